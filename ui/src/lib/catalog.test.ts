/**
 * Rules the Korean copy keeps, checked over the whole catalog: Korean particles cannot follow a
 * placeholder (the value decides 을/를), one word family for where the data stands, one spelling
 * of each term, and every error says what to do next.
 */
import { describe, expect, it } from 'vitest';
import ko from '../../../locales/ko.yml';
import en from '../../../locales/en.yml';

type Tree = { [key: string]: string | Tree };

/** Every `dotted.key → text` of a catalog. */
function entries(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[prefix + key, value] as [string, string]] : entries(value, `${prefix}${key}.`),
  );
}

const KO = entries(ko as Tree);
const EN = entries(en as Tree);
/** What the app's screens show (the CLI and the server's messages have their own registers). */
const SCREENS = KO.filter(([key]) => !key.startsWith('cli.') && !key.startsWith('message.'));

describe('the Korean catalog', () => {
  it('never glues a particle after a placeholder', () => {
    expect(KO.filter(([, text]) => /\}[을를이가은는과와로에의도]/.test(text))).toEqual([]);
  });

  it('says where the data stands in one word family: no 전송, 동기화 or 충돌', () => {
    expect(SCREENS.filter(([, text]) => /전송|동기화|충돌/.test(text))).toEqual([]);
  });

  it('names the states with 서버에 저장 and 이 컴퓨터', () => {
    const ko = Object.fromEntries(KO);
    expect(ko['sync.synced']).toBe('서버에 저장됨');
    expect(ko['sync.pending']).toBe('서버 저장 대기 중');
    expect(ko['sync.saved_locally']).toBe('이 컴퓨터에만 저장됨');
    expect(ko['sync.conflict']).not.toMatch(/충돌/);
  });

  it('spells each term one way: 본인 인증, 미등록, 사내 IT 담당자', () => {
    expect(SCREENS.filter(([, text]) => /본인인증|등록되지 않음|등록하지 않음/.test(text))).toEqual([]);
    // 고객센터 is the notice's own contact (메일플러그 고객센터) only; the company's is 사내 IT 담당자.
    expect(SCREENS.filter(([key, text]) => /고객센터/.test(text) && key !== 'help.center')).toEqual([]);
    expect(Object.fromEntries(KO)['help.company_center']).toBe('사내 IT 담당자');
  });

  it('keeps the webmail ID and the webmail site address apart', () => {
    const ko = Object.fromEntries(KO);
    expect(ko['signin.address']).toContain('웹메일 아이디');
    expect(ko['error.webmail_url_missing']).toContain('웹메일 사이트 주소');
    expect(SCREENS.filter(([, text]) => /웹메일 주소/.test(text))).toEqual([]);
  });

  it('lets ✓ say the format is right, not that the value can be used', () => {
    const ko = Object.fromEntries(KO);
    for (const key of ['form.valid_email', 'form.valid_phone']) {
      expect(ko[key]).toContain('형식이 맞습니다');
      expect(ko[key]).not.toContain('사용할 수 있');
    }
  });

  it('says what the e-mail is for: 본인 확인 with a personal address, not the company one', () => {
    const hint = Object.fromEntries(KO)['form.email_hint'];
    expect(hint).toContain('본인 확인');
    expect(hint).toContain('개인 메일 주소');
    expect(hint).toContain('회사 메일 주소');
  });

  it('ends every error with what to do next', () => {
    const errors = KO.filter(([key]) => key.startsWith('error.'));
    expect(errors.length).toBeGreaterThan(30);
    expect(errors.filter(([, text]) => !/주세요/.test(text))).toEqual([]);
  });
});

describe('the English catalog', () => {
  it('follows the same vocabulary: saved on the server, never sync or conflict', () => {
    const screens = EN.filter(([key]) => !key.startsWith('cli.') && !key.startsWith('message.'));
    expect(screens.filter(([, text]) => /\bsync|conflict/i.test(text))).toEqual([]);
    expect(Object.fromEntries(EN)['sync.synced']).toBe('Saved on the server');
  });
});
