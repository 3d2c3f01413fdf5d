; A minimal installer around hooks.nsh, so that the hooks the release's NSIS installer runs can be
; compiled and run silently here, under Wine, with every documented switch (cargo xtask test windows).
;
; Tauri's own installer cannot be built on Linux (its bundler downloads a plugin DLL at build time),
; so this file stands in for the parts of Tauri's installer.nsi that the hooks rely on, and nothing
; else: the includes and ${StrLoc} declared before the hooks, the $UpdateMode variable (1 when the
; installer or uninstaller runs with /UPDATE, as in an in-app update), a per-machine install run as
; administrator, and the two insertion points (the end of the Install and Uninstall sections).
; There is no WebView2 check, no app files and no shortcuts here: only the hooks are under test, and
; the real installer's WebView2 step runs before them and does not touch what they write.
;
; Built as a 64-bit installer (the release's is per machine on x64 Windows); the hooks write in the
; 64-bit registry view either way.

Unicode true
Target amd64-unicode
RequestExecutionLevel admin
ManifestSupportedOS all
SetCompressor /SOLID zlib

!ifndef OUTFILE
  !define OUTFILE "mail-identity-hooks-test.exe"
!endif

Name "mail-identity installer hooks test"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\mail-identity-hooks-test"
ShowInstDetails show
ShowUninstDetails show

!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "StrFunc.nsh"
${StrLoc}

Var UpdateMode

!include "..\hooks.nsh"

; /UPDATE anywhere among the switches, as Tauri's installer reads it.
!macro MI_TEST_READ_UPDATE_MODE
  StrCpy $UpdateMode 0
  ${GetParameters} $R0
  ${GetOptions} $R0 "/UPDATE" $R1
  ${IfNot} ${Errors}
    StrCpy $UpdateMode 1
  ${EndIf}
!macroend

Function .onInit
  !insertmacro MI_TEST_READ_UPDATE_MODE
FunctionEnd

Function un.onInit
  !insertmacro MI_TEST_READ_UPDATE_MODE
FunctionEnd

Section "Install"
  SetOutPath "$INSTDIR"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  ; For the test: whether the switches put this run into update mode (they must not).
  SetRegView 64
  WriteRegStr HKLM "SOFTWARE\MailIdentityHooksTest" "install_update_mode" "$UpdateMode"
  SetRegView default
  !insertmacro NSIS_HOOK_POSTINSTALL
SectionEnd

Section "Uninstall"
  !insertmacro NSIS_HOOK_POSTUNINSTALL
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd
