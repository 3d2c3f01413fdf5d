//! The policy as the Windows registry holds it (`HKLM` over `HKCU`, each value read with its
//! type and size checked before it becomes a raw value).

use super::MAX_ENTRIES;
use super::{registry_layer, Layer, Problem, ProblemKind, RegistryValue, Source, REGISTRY_PATH};
use winreg::enums::{
    KEY_READ, KEY_WOW64_64KEY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_QWORD, REG_SZ,
};
use winreg::types::FromRegValue;
use winreg::{RegKey, RegValue, HKCU, HKLM};

pub(super) fn read_all() -> Vec<Layer> {
    [(HKLM, Source::HklmPolicy), (HKCU, Source::HkcuPolicy)]
        .into_iter()
        .filter_map(|(hive, source)| read(hive, source))
        .collect()
}

fn read(hive: &RegKey, source: Source) -> Option<Layer> {
    // The 64-bit view, so that a 32-bit build reads what 64-bit Group Policy wrote.
    let key = match hive.open_subkey_with_flags(REGISTRY_PATH, KEY_READ | KEY_WOW64_64KEY) {
        Ok(key) => key,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(_) => {
            let mut layer = Layer::new(source);
            layer
                .problems
                .push(Problem::new(source, None, ProblemKind::Unreadable));
            return Some(layer);
        }
    };
    let mut values = Vec::new();
    let mut unreadable = false;
    for item in key.enum_values().take(MAX_ENTRIES + 1) {
        match item {
            Ok((name, value)) => values.push((name, convert(&value))),
            Err(_) => unreadable = true,
        }
    }
    let mut layer = registry_layer(source, values);
    if unreadable {
        layer
            .problems
            .push(Problem::new(source, None, ProblemKind::Unreadable));
    }
    Some(layer)
}

fn convert(value: &RegValue) -> RegistryValue {
    let converted = match value.vtype {
        REG_SZ | REG_EXPAND_SZ => String::from_reg_value(value).map(RegistryValue::Text),
        REG_MULTI_SZ => Vec::<String>::from_reg_value(value).map(|items| {
            RegistryValue::MultiText(items.into_iter().filter(|s| !s.is_empty()).collect())
        }),
        REG_DWORD => u32::from_reg_value(value).map(RegistryValue::Dword),
        REG_QWORD => u64::from_reg_value(value).map(RegistryValue::Qword),
        _ => return RegistryValue::Other,
    };
    converted.unwrap_or(RegistryValue::Other)
}
