// @ts-nocheck
import { invoke as TAURI_INVOKE } from "@tauri-apps/api/core";
export type Locale = "ko" | "en";
export const commands = {
  async appInfo(): Promise<{ version: string; locale: Locale }> { return await TAURI_INVOKE("app_info"); },
};
