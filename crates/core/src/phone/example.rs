//! Placeholders: what a mobile number of the chosen country looks like, from the engine's metadata.

use super::engine;
use rlibphonenumber::{PhoneNumberFormat, PhoneNumberType};
use serde::{Deserialize, Serialize};

/// An example number for a field's placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PhoneExample {
    /// As dialled inside the country, e.g. `010-2000-0000`.
    pub national: String,
    /// With the calling code, e.g. `+82 10-2000-0000`.
    pub international: String,
}

/// The metadata's example mobile number of `country` (ISO code, any case); for countries whose
/// plan cannot tell mobiles from landlines, their fixed-line-or-mobile example. `None` for a code
/// the engine does not know. Korea gives `010-2000-0000`.
pub fn example_mobile(country: &str) -> Option<PhoneExample> {
    let region = engine::region_from_code(country)?;
    let number = engine::example_number(region, PhoneNumberType::Mobile)
        .or_else(|| engine::example_number(region, PhoneNumberType::FixedLineOrMobile))?;
    Some(PhoneExample {
        national: engine::format(&number, PhoneNumberFormat::National)?,
        international: engine::format(&number, PhoneNumberFormat::International)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korea_shows_the_form_placeholder() {
        let kr = example_mobile("KR").expect("Korea has an example mobile");
        assert_eq!(kr.national, "010-2000-0000");
        assert_eq!(kr.international, "+82 10-2000-0000");
    }

    #[test]
    fn every_listed_country_has_an_example() {
        for region in engine::supported_regions() {
            let code = region.to_string();
            assert!(example_mobile(&code).is_some(), "no example for {code}");
        }
        assert_eq!(example_mobile("ZZ"), None);
    }
}
