//! Line types: the engine's names mapped to the form's, and which of them the form accepts.

use super::NumberKind;
use rlibphonenumber::PhoneNumberType;

impl NumberKind {
    /// Every kind, in the order the catalog lists them.
    pub const ALL: [NumberKind; 12] = [
        NumberKind::Mobile,
        NumberKind::FixedLine,
        NumberKind::FixedLineOrMobile,
        NumberKind::Voip,
        NumberKind::TollFree,
        NumberKind::PremiumRate,
        NumberKind::SharedCost,
        NumberKind::PersonalNumber,
        NumberKind::Pager,
        NumberKind::Uan,
        NumberKind::Voicemail,
        NumberKind::Unknown,
    ];

    /// The stable snake_case name used in JSON, by the server and as `phone.kind.<code>`.
    pub fn code(self) -> &'static str {
        match self {
            NumberKind::Mobile => "mobile",
            NumberKind::FixedLine => "fixed_line",
            NumberKind::FixedLineOrMobile => "fixed_line_or_mobile",
            NumberKind::Voip => "voip",
            NumberKind::TollFree => "toll_free",
            NumberKind::PremiumRate => "premium_rate",
            NumberKind::SharedCost => "shared_cost",
            NumberKind::PersonalNumber => "personal_number",
            NumberKind::Pager => "pager",
            NumberKind::Uan => "uan",
            NumberKind::Voicemail => "voicemail",
            NumberKind::Unknown => "unknown",
        }
    }

    /// Whether overseas mode accepts this kind: a mobile, or a number whose plan cannot tell a
    /// mobile from a landline (the United States, Canada, China …), since refusing those would
    /// refuse every number of such a country.
    pub fn receives_texts_overseas(self) -> bool {
        matches!(self, NumberKind::Mobile | NumberKind::FixedLineOrMobile)
    }
}

impl From<PhoneNumberType> for NumberKind {
    fn from(kind: PhoneNumberType) -> Self {
        match kind {
            PhoneNumberType::FixedLine => NumberKind::FixedLine,
            PhoneNumberType::Mobile => NumberKind::Mobile,
            PhoneNumberType::FixedLineOrMobile => NumberKind::FixedLineOrMobile,
            PhoneNumberType::TollFree => NumberKind::TollFree,
            PhoneNumberType::PremiumRate => NumberKind::PremiumRate,
            PhoneNumberType::SharedCost => NumberKind::SharedCost,
            PhoneNumberType::VoIP => NumberKind::Voip,
            PhoneNumberType::PersonalNumber => NumberKind::PersonalNumber,
            PhoneNumberType::Pager => NumberKind::Pager,
            PhoneNumberType::UAN => NumberKind::Uan,
            PhoneNumberType::VoiceMail => NumberKind::Voicemail,
            PhoneNumberType::Unknown => NumberKind::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_serde_names() {
        for kind in NumberKind::ALL {
            let json = serde_json::to_string(&kind).expect("a unit variant serializes");
            assert_eq!(json, format!("\"{}\"", kind.code()));
        }
    }
}
