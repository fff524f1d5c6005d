//! Masking of personal fields for student screens (SPEC §8): a passer-by at the station must not
//! read a classmate's name, ID number or phone number off the screen.

/// `张三丰` → `张*丰`, `张三` → `张*`, `Li Lei` → `L*****`.
pub fn name(full: &str) -> String {
    let chars: Vec<char> = full.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n if chars.iter().all(|c| !c.is_ascii()) => {
            format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1])
        }
        n => format!("{}{}", chars[0], "*".repeat(n - 1)),
    }
}

/// Keeps the first 4 and last 4 characters of an ID number: `3201**********1234`.
pub fn id_number(id: &str) -> String {
    keep_ends(id, 4, 4)
}

/// Keeps the first 3 and last 4 digits of a phone number: `138****5678`.
pub fn phone(p: &str) -> String {
    keep_ends(p, 3, 4)
}

fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks() {
        assert_eq!(super::name("张三丰"), "张*丰");
        assert_eq!(super::name("欧阳娜娜"), "欧**娜");
        assert_eq!(super::name("张三"), "张*");
        assert_eq!(super::name("Li Lei"), "L*****");
        assert_eq!(super::id_number("320102199001011234"), "3201**********1234");
        assert_eq!(super::phone("13812345678"), "138****5678");
        assert_eq!(super::phone("123"), "***");
    }
}
