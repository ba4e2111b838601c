//! How messages put numbers and names into English: a count with its noun in the
//! singular or plural, a range of entry numbers that may be one entry, and the
//! article before a word.

/// `1 entry`, `3 entries`: the count and its noun, singular only for one.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `#3 to #5`, or `#3` when the range holds one number.
pub fn span(first: u64, last: u64) -> String {
    if first == last {
        format!("#{first}")
    } else {
        format!("#{first} to #{last}")
    }
}

/// The indefinite article before `word`: `an` before a vowel, else `a`. Every word
/// it is given (the entry kinds, and what a rule names) sounds as it is spelled.
pub fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// `an agreement`, `a pledge`: the word with its article.
pub fn a(word: &str) -> String {
    format!("{} {word}", article(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_spans_and_articles() {
        assert_eq!(count(1, "entry", "entries"), "1 entry");
        assert_eq!(count(0, "entry", "entries"), "0 entries");
        assert_eq!(count(2, "entry", "entries"), "2 entries");
        assert_eq!(span(3, 3), "#3");
        assert_eq!(span(3, 5), "#3 to #5");
        assert_eq!(a("agreement"), "an agreement");
        assert_eq!(a("in-kind"), "an in-kind");
        assert_eq!(a("pledge"), "a pledge");
        assert_eq!(a("write-off"), "a write-off");
    }
}
