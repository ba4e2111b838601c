//! The UN system's reporting codes: each donor category's contributor type (UN Data
//! Standards, Standard VI) and each mandate's financing instrument (Standard IV),
//! as the README's table "Contributor types and financing instruments" sets out.
//!
//! Pure lookups: no figures, no I/O. The CEB export (`report::ceb`) and the donors
//! report by category read them.

use super::register::{DonorCategory, Earmarking};

/// The code of the European Union among the donors: its contributor type is C08A,
/// every other intergovernmental donor's C08B.
pub const EUROPEAN_UNION: &str = "EU";

/// The starter mandates that stand for one financing instrument whatever their
/// earmarking (revenue imported from CEB tables lands on them).
pub const POOLED_FUNDS: &str = "pooled-funds";
pub const OTHER_REVENUE: &str = "other-revenue";
pub const ASSESSED: &str = "assessed";

/// A category's contributor type; the one category whose code depends on the donor
/// (intergovernmental) takes the donor's code.
pub fn contributor_type(category: DonorCategory, donor: &str) -> &'static str {
    match category {
        DonorCategory::MemberState
        | DonorCategory::ObserverState
        | DonorCategory::OtherGovernment => "C01",
        DonorCategory::PooledFund => "C04D",
        DonorCategory::UnEntity => "C04C",
        DonorCategory::PrivateSector | DonorCategory::Individual => "C06",
        DonorCategory::Foundation => "C05",
        DonorCategory::Intergovernmental if donor == EUROPEAN_UNION => "C08A",
        DonorCategory::Intergovernmental => "C08B",
    }
}

/// A category's contributor type when no donor is named: intergovernmental donors
/// are C08A (the European Union) or C08B (the others).
pub fn contributor_types(category: DonorCategory) -> &'static str {
    match category {
        DonorCategory::Intergovernmental => "C08A/C08B",
        c => contributor_type(c, ""),
    }
}

/// Governments (C01) go in the CEB's government table; every other contributor in
/// its non-government table.
pub fn is_government(category: DonorCategory) -> bool {
    contributor_type(category, "") == "C01"
}

/// The financing instrument of money (or, with `in_kind`, goods and services) given
/// for a mandate.
pub fn financing_instrument(mandate: &str, earmarking: Earmarking, in_kind: bool) -> &'static str {
    if in_kind {
        return if earmarking.is_general_purpose() {
            "R02B"
        } else {
            "R03F"
        };
    }
    match mandate {
        ASSESSED => "R01",
        POOLED_FUNDS => "R03A",
        OTHER_REVENUE => "R04C",
        _ if earmarking.is_general_purpose() => "R02A",
        _ => "R03E",
    }
}

/// The revenue type as the CEB's government table spells it out.
pub fn spelled_out(instrument: &str) -> &'static str {
    match instrument {
        "R01" => "Assessed Contributions",
        "R02A" | "R02B" => "Voluntary core (un-earmarked) contributions",
        i if i.starts_with("R04") => "Revenue from other activities",
        _ => "Voluntary non-core (earmarked) contributions",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_contributor_type() {
        let want = [
            "C01", "C01", "C01", "C08B", "C04C", "C04D", "C06", "C05", "C06",
        ];
        for (c, w) in DonorCategory::ALL.into_iter().zip(want) {
            assert_eq!(contributor_type(c, "X"), w, "{c:?}");
        }
        assert_eq!(
            contributor_type(DonorCategory::Intergovernmental, "EU"),
            "C08A"
        );
        assert!(is_government(DonorCategory::ObserverState));
        assert!(!is_government(DonorCategory::Intergovernmental));
    }

    #[test]
    fn instruments_by_mandate_earmarking_and_in_kind() {
        use Earmarking::*;
        assert_eq!(financing_instrument("x", Unearmarked, false), "R02A");
        for e in [SoftlyEarmarked, Earmarked, TightlyEarmarked] {
            assert_eq!(financing_instrument("x", e, false), "R03E");
            assert_eq!(financing_instrument("x", e, true), "R03F");
        }
        assert_eq!(financing_instrument("x", Unearmarked, true), "R02B");
        assert_eq!(
            financing_instrument("pooled-funds", Earmarked, false),
            "R03A"
        );
        assert_eq!(
            financing_instrument("other-revenue", Earmarked, false),
            "R04C"
        );
        assert_eq!(financing_instrument("assessed", Unearmarked, false), "R01");
        assert_eq!(
            spelled_out("R02B"),
            "Voluntary core (un-earmarked) contributions"
        );
        assert_eq!(spelled_out("R04C"), "Revenue from other activities");
        assert_eq!(
            spelled_out("R03A"),
            "Voluntary non-core (earmarked) contributions"
        );
    }
}
