//! Single checks as the form runs them on a keystroke: Korean mobiles in domestic mode, and
//! overseas numbers with the country changing on every call (the case that caches poorly).
//! Figures go in notes, never in tests.

use criterion::{criterion_group, criterion_main, Criterion};
use mail_identity_core::email::check_email;
use mail_identity_core::phone::{check_phone, format_as_you_type, PhoneMode};
use std::hint::black_box;

fn phone(c: &mut Criterion) {
    mail_identity_core::phone::warm_up();
    let korean = [
        "010-1234-5678",
        "01012345678",
        "+82 10-1234-5678",
        "０１０－１２３４－５６７８",
        "070-1234-5678",
        "010-1234-56789",
    ];
    c.bench_function("check_phone KR domestic", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % korean.len();
            check_phone(black_box(korean[i]), &PhoneMode::Domestic)
        })
    });
    let overseas: Vec<(PhoneMode, &str)> = [
        ("US", "(201) 555-0123"),
        ("JP", "090-1234-5678"),
        ("GB", "07400 123456"),
        ("CN", "131 2345 6789"),
        ("DE", "01512 3456789"),
        ("VN", "091 234 56 78"),
        ("BR", "(11) 96123-4567"),
        ("IN", "081234 56789"),
    ]
    .into_iter()
    .map(|(cc, n)| {
        (
            PhoneMode::Overseas {
                country: Some(cc.to_string()),
            },
            n,
        )
    })
    .collect();
    c.bench_function("check_phone overseas, rotating countries", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % overseas.len();
            let (mode, number) = &overseas[i];
            check_phone(black_box(number), mode)
        })
    });
    c.bench_function("format_as_you_type KR partial", |b| {
        b.iter(|| format_as_you_type(black_box("0101234"), 7, &PhoneMode::Domestic))
    });
}

fn email(c: &mut Criterion) {
    c.bench_function("check_email with account", |b| {
        b.iter(|| {
            check_email(
                black_box("hong.gildong@naver.con"),
                Some("hong@company.co.kr"),
            )
        })
    });
}

criterion_group!(benches, phone, email);
criterion_main!(benches);
