//! The little JSON the benchmark speaks (xtask is std only): reading the one-line results its
//! measuring processes print, and writing `--json` results. Numbers, strings, arrays, objects,
//! booleans and null; string escapes beyond `\"`, `\\`, `\n` and `\t` are not needed and refused.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Value>),
    Obj(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn num(&self, key: &str) -> Result<f64, String> {
        match self.get(key) {
            Some(Value::Num(n)) => Ok(*n),
            _ => Err(format!("no number `{key}` in {self}")),
        }
    }

    pub fn nums(&self, key: &str) -> Result<Vec<f64>, String> {
        match self.get(key) {
            Some(Value::Arr(items)) => items
                .iter()
                .map(|v| if let Value::Num(n) = v { Ok(*n) } else { Err(format!("`{key}` holds {v}")) })
                .collect(),
            _ => Err(format!("no array `{key}` in {self}")),
        }
    }

    pub fn str(&self, key: &str) -> Result<&str, String> {
        match self.get(key) {
            Some(Value::Str(s)) => Ok(s),
            _ => Err(format!("no string `{key}` in {self}")),
        }
    }
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut parser = Parser { bytes: text.as_bytes(), at: 0 };
    let value = parser.value()?;
    parser.blank();
    if parser.at != parser.bytes.len() {
        return Err(format!("trailing text after JSON at byte {}", parser.at));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn blank(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.blank();
        let found = self.bytes.get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        if self.eat(byte) { Ok(()) } else { Err(format!("expected `{}` at byte {}", byte as char, self.at)) }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.blank();
        let rest = &self.bytes[self.at..];
        for (word, value) in [("null", Value::Null), ("true", Value::Bool(true)), ("false", Value::Bool(false))] {
            if rest.starts_with(word.as_bytes()) {
                self.at += word.len();
                return Ok(value);
            }
        }
        match rest.first() {
            Some(b'"') => self.string().map(Value::Str),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b']') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(Value::Arr(items))
            }
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.blank();
                        let key = self.string()?;
                        self.expect(b':')?;
                        members.push((key, self.value()?));
                        if self.eat(b'}') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(Value::Obj(members))
            }
            _ => {
                let len = rest.iter().take_while(|b| b.is_ascii_digit() || b"+-.eE".contains(b)).count();
                let text = std::str::from_utf8(&rest[..len]).unwrap_or_default();
                let n = text.parse().map_err(|_| format!("not a JSON value at byte {}", self.at))?;
                self.at += len;
                Ok(Value::Num(n))
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            match self.bytes.get(self.at) {
                None => return Err("unterminated JSON string".into()),
                Some(b'"') => break,
                Some(b'\\') => {
                    self.at += 1;
                    out.push(match self.bytes.get(self.at) {
                        Some(b'"') => b'"',
                        Some(b'\\') => b'\\',
                        Some(b'n') => b'\n',
                        Some(b't') => b'\t',
                        _ => return Err(format!("unsupported JSON escape at byte {}", self.at)),
                    });
                }
                Some(&b) => out.push(b),
            }
            self.at += 1;
        }
        self.at += 1;
        String::from_utf8(out).map_err(|e| e.to_string())
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Num(n) if n.is_finite() => write!(f, "{n}"),
            Value::Num(_) => f.write_str("null"),
            Value::Str(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\t' => f.write_str("\\t")?,
                        c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"")
            }
            Value::Arr(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    write!(f, "{}{item}", if i > 0 { ", " } else { "" })?;
                }
                f.write_str("]")
            }
            Value::Obj(members) => {
                f.write_str("{")?;
                for (i, (key, value)) in members.iter().enumerate() {
                    write!(f, "{}{}: {value}", if i > 0 { ", " } else { "" }, Value::Str(key.clone()))?;
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let text = r#"{"peer": "tract \"x\"", "ok": true, "none": null, "samples_ms": [1.5, 2, -3e-2], "o": {}}"#;
        let value = parse(text).unwrap();
        assert_eq!(value.str("peer").unwrap(), "tract \"x\"");
        assert_eq!(value.nums("samples_ms").unwrap(), vec![1.5, 2.0, -0.03]);
        assert_eq!(parse(&value.to_string()).unwrap(), value);
        assert!(parse("{\"a\": 1} x").is_err());
        assert!(parse("[1,").is_err());
    }
}
