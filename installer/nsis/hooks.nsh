; mail-identity NSIS installer hooks (bundle.windows.nsis.installerHooks in tauri.conf.json).
;
; Tauri's installer.nsi includes this file at the top and inserts the macros below at fixed points:
; NSIS_HOOK_POSTINSTALL at the end of the Install section, NSIS_HOOK_POSTUNINSTALL at the end of
; the Uninstall section. It has already included FileFunc.nsh, LogicLib.nsh, x64.nsh and StrFunc.nsh
; with ${StrLoc} declared; the includes below are no-ops there. ${StrLoc} (StrFunc) must be declared before
; this file is included, as Tauri's installer.nsi does.
;
; Silent install with settings, the same names as the MSI properties, each switch in double quotes:
;   mail-identity_0.1.0_x64-setup.exe /S "/API_BASE_URL=https://mail.example.co.kr/api" "/HELPDESK_HOURS=평일 09:00-18:00"
;
; Why the quotes, and why not ${GetOptions}: GetOptions treats every "/" outside quotes as the start
; of an option and matches option names by prefix. Tauri's installer reads its own switches that
; way (/P passive, /R restart the app, /NS no shortcuts, /UPDATE update mode), so an unquoted
; /UPDATES_ENABLED=0 turns on its update mode (no WebView2 installation, no shortcuts), an unquoted
; /PROXY=... turns on passive mode, and the "/" inside an unquoted URL can match any of them.
; A switch quoted as a whole is invisible to GetOptions. This file therefore reads its switches
; itself: "/NAME=value" (value up to the closing quote), /NAME="value", or /NAME=value (value up to
; the next space; documented as not recommended).
;
; Each switch given writes one REG_SZ value under HKLM\SOFTWARE\Policies\Mailplug\MailIdentity
; (64-bit registry view). Switches not given write nothing; an empty value writes nothing. The
; installer is per machine (installMode perMachine: it requests administrator rights); as a second
; guard the policy is written only when the installer really runs with administrator rights.
;
; Which values this installer wrote is remembered outside the policy key, one value per name under
; HKLM\SOFTWARE\Mailplug\MailIdentity\InstallerPolicy (a marker inside the policy key would be an
; unknown policy key that the app reports). The uninstaller removes exactly those values, and never
; a value that Group Policy or an administrator wrote there without the installer. The uninstall
; that an in-app update runs (/UPDATE) keeps them.

!include /NONFATAL "FileFunc.nsh"
!include /NONFATAL "LogicLib.nsh"

!define MI_POLICY_KEY "SOFTWARE\Policies\Mailplug\MailIdentity"
!define MI_MARKER_KEY "SOFTWARE\Mailplug\MailIdentity\InstallerPolicy"

; Value of the command-line switch NAME in $R9 ("" when absent). Uses $R0-$R4; $R0 must hold
; " " followed by the installer's parameters (set in NSIS_HOOK_POSTINSTALL).
!macro MI_SWITCH_VALUE NAME
  StrCpy $R9 ""
  StrCpy $R4 ""
  ${StrLoc} $R1 $R0 ' "/${NAME}=' ">"
  ${If} $R1 != ""
    StrCpy $R4 '"'
    StrLen $R2 ' "/${NAME}='
  ${Else}
    ${StrLoc} $R1 $R0 " /${NAME}=" ">"
    ${If} $R1 != ""
      StrCpy $R4 " "
      StrLen $R2 " /${NAME}="
    ${EndIf}
  ${EndIf}
  ${If} $R4 != ""
    IntOp $R1 $R1 + $R2
    StrCpy $R3 $R0 "" $R1
    ; /NAME="value": the value ends at the closing quote
    StrCpy $R2 $R3 1
    ${If} $R4 == " "
    ${AndIf} $R2 == '"'
      StrCpy $R3 $R3 "" 1
      StrCpy $R4 '"'
    ${EndIf}
    ${StrLoc} $R1 $R3 $R4 ">"
    ${If} $R1 == ""
      StrCpy $R9 $R3
    ${Else}
      StrCpy $R9 $R3 $R1
    ${EndIf}
  ${EndIf}
!macroend

; One command-line switch -> one policy value, and its marker.
!macro MI_POLICY_FROM_SWITCH SWITCH VALUENAME
  !insertmacro MI_SWITCH_VALUE "${SWITCH}"
  ${If} $R9 != ""
    WriteRegStr HKLM "${MI_POLICY_KEY}" "${VALUENAME}" $R9
    WriteRegStr HKLM "${MI_MARKER_KEY}" "${VALUENAME}" "nsis"
    DetailPrint "Policy ${VALUENAME} written"
  ${EndIf}
!macroend

; Remove one policy value if (and only if) this installer wrote it.
!macro MI_POLICY_REMOVE VALUENAME
  ClearErrors
  ReadRegStr $R9 HKLM "${MI_MARKER_KEY}" "${VALUENAME}"
  ${IfNot} ${Errors}
  ${AndIf} $R9 == "nsis"
    DeleteRegValue HKLM "${MI_POLICY_KEY}" "${VALUENAME}"
  ${EndIf}
!macroend

; %ProgramData%\Mailplug\MailIdentity for policy.json: owned by Administrators, protected ACL,
; SYSTEM and Administrators full control, Users read, nothing inherited from %ProgramData% (where
; ordinary users may create folders, and own what they create). A user could have made either folder
; before this installer ran: both are taken over (owner and ACL), so that the user can neither write
; the policy nor rename the folder away. The app reads policy.json only when it and its folder are
; owned by Administrators or SYSTEM and writable by nobody else; a policy.json a user planted keeps
; its owner (it is not blessed here) and the app ignores it and says so in its diagnostics.
; Well-known SIDs, so the commands work on every Windows language.
!macro MI_PROTECT_FOLDER FOLDER
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "${FOLDER}" /setowner *S-1-5-32-544'
  Pop $R7
  ${If} $R7 != 0
    DetailPrint "icacls /setowner failed ($R7): check the owner of ${FOLDER}"
  ${EndIf}
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "${FOLDER}" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX'
  Pop $R7
  ${If} $R7 != 0
    DetailPrint "icacls failed ($R7): check the permissions of ${FOLDER}"
  ${EndIf}
!macroend

!macro MI_POLICY_FOLDER
  ReadEnvStr $R8 "ProgramData"
  ${If} $R8 != ""
    CreateDirectory "$R8\Mailplug\MailIdentity"
    !insertmacro MI_PROTECT_FOLDER "$R8\Mailplug"
    !insertmacro MI_PROTECT_FOLDER "$R8\Mailplug\MailIdentity"
  ${EndIf}
!macroend

!macro NSIS_HOOK_POSTINSTALL
  Push $R0
  Push $R1
  Push $R2
  Push $R3
  Push $R4
  Push $R6
  Push $R7
  Push $R8
  Push $R9
  UserInfo::GetAccountType
  Pop $R6
  ${If} $R6 == "Admin"
    ${GetParameters} $R0
    StrCpy $R0 " $R0"
    SetRegView 64
    !insertmacro MI_POLICY_FROM_SWITCH "API_BASE_URL" "api_base_url"
    !insertmacro MI_POLICY_FROM_SWITCH "WEBMAIL_URL" "webmail_url"
    !insertmacro MI_POLICY_FROM_SWITCH "HELPDESK_PHONE" "helpdesk.phone"
    !insertmacro MI_POLICY_FROM_SWITCH "HELPDESK_URL" "helpdesk.url"
    !insertmacro MI_POLICY_FROM_SWITCH "HELPDESK_HOURS" "helpdesk.hours"
    !insertmacro MI_POLICY_FROM_SWITCH "DEFAULT_LOCALE" "default_locale"
    !insertmacro MI_POLICY_FROM_SWITCH "ALLOWED_LOCALES" "allowed_locales"
    !insertmacro MI_POLICY_FROM_SWITCH "DEFAULT_OVERSEAS_COUNTRY" "default_overseas_country"
    !insertmacro MI_POLICY_FROM_SWITCH "PROXY" "proxy"
    !insertmacro MI_POLICY_FROM_SWITCH "EXTRA_ROOT_CA" "extra_root_ca"
    !insertmacro MI_POLICY_FROM_SWITCH "DRAFT_LIFETIME_DAYS" "draft_lifetime_days"
    !insertmacro MI_POLICY_FROM_SWITCH "UPDATES_ENABLED" "updates.enabled"
    !insertmacro MI_POLICY_FROM_SWITCH "UPDATES_ENDPOINT" "updates.endpoint"
    !insertmacro MI_POLICY_FROM_SWITCH "LOG_LEVEL" "log_level"
    SetRegView default
    !insertmacro MI_POLICY_FOLDER
  ${Else}
    DetailPrint "Not running as administrator: no machine policy written"
  ${EndIf}
  Pop $R9
  Pop $R8
  Pop $R7
  Pop $R6
  Pop $R4
  Pop $R3
  Pop $R2
  Pop $R1
  Pop $R0
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
  Push $R6
  Push $R8
  Push $R9
  ${If} $UpdateMode <> 1
    UserInfo::GetAccountType
    Pop $R6
    ${If} $R6 == "Admin"
      SetRegView 64
      !insertmacro MI_POLICY_REMOVE "api_base_url"
      !insertmacro MI_POLICY_REMOVE "webmail_url"
      !insertmacro MI_POLICY_REMOVE "helpdesk.phone"
      !insertmacro MI_POLICY_REMOVE "helpdesk.url"
      !insertmacro MI_POLICY_REMOVE "helpdesk.hours"
      !insertmacro MI_POLICY_REMOVE "default_locale"
      !insertmacro MI_POLICY_REMOVE "allowed_locales"
      !insertmacro MI_POLICY_REMOVE "default_overseas_country"
      !insertmacro MI_POLICY_REMOVE "proxy"
      !insertmacro MI_POLICY_REMOVE "extra_root_ca"
      !insertmacro MI_POLICY_REMOVE "draft_lifetime_days"
      !insertmacro MI_POLICY_REMOVE "updates.enabled"
      !insertmacro MI_POLICY_REMOVE "updates.endpoint"
      !insertmacro MI_POLICY_REMOVE "log_level"
      DeleteRegKey HKLM "${MI_MARKER_KEY}"
      DeleteRegKey /ifempty HKLM "SOFTWARE\Mailplug\MailIdentity"
      DeleteRegKey /ifempty HKLM "SOFTWARE\Mailplug"
      ; The policy key goes only when nothing else (Group Policy) is left in it.
      DeleteRegKey /ifempty HKLM "${MI_POLICY_KEY}"
      DeleteRegKey /ifempty HKLM "SOFTWARE\Policies\Mailplug"
      SetRegView default
      ; The policy folder goes only when empty: a policy.json placed there stays.
      ReadEnvStr $R8 "ProgramData"
      ${If} $R8 != ""
        RMDir "$R8\Mailplug\MailIdentity"
        RMDir "$R8\Mailplug"
      ${EndIf}
    ${EndIf}
  ${EndIf}
  Pop $R9
  Pop $R8
  Pop $R6
!macroend
