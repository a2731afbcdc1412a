//! Parsing of types, attributes (including dense literals and resource handles) and locations.

use super::lexer::{DimToken, Tok};
use super::{Error, Parser};
use crate::attr::{AttrDict, Attribute, DenseAttr, encode_f64, encode_i64, static_count};
use crate::location::Location;
use crate::types::{Dim, ElementType, FunctionType, Layout, MemRefType, TensorType, Type};
use bytes::Bytes;
use std::sync::Arc;

/// The element types, listed for error messages.
fn element_type_list() -> String {
    ElementType::ALL.map(ElementType::mnemonic).join(", ")
}

/// One scalar of a dense literal, converted once the element type is known.
enum Scalar<'a> {
    Int {
        negative: bool,
        digits: &'a str,
    },
    Float {
        negative: bool,
        text: &'a str,
    },
    /// `0x...`: the element's bit pattern.
    Hex(&'a str),
    Bool(bool),
}

/// A dense literal before its type is parsed: a scalar or a (nested) list.
enum Literal<'a> {
    Scalar(Scalar<'a>, usize),
    List(Vec<Literal<'a>>, usize),
}

impl Literal<'_> {
    fn offset(&self) -> usize {
        match self {
            Literal::Scalar(_, offset) | Literal::List(_, offset) => *offset,
        }
    }

    /// The shape implied by the nesting; sub-lists must agree.
    fn shape(&self) -> Result<Vec<u64>, Error> {
        let Literal::List(items, _) = self else {
            return Ok(Vec::new());
        };
        let Some(first) = items.first() else {
            return Ok(vec![0]);
        };
        let inner = first.shape()?;
        for item in &items[1..] {
            if item.shape()? != inner {
                return Err(Error::new(item.offset(), "dense literal is ragged: its sub-lists differ in shape"));
            }
        }
        Ok(std::iter::once(items.len() as u64).chain(inner).collect())
    }

    fn flatten<'l>(&'l self, out: &mut Vec<(&'l Scalar<'l>, usize)>) {
        match self {
            Literal::Scalar(s, offset) => out.push((s, *offset)),
            Literal::List(items, _) => items.iter().for_each(|item| item.flatten(out)),
        }
    }
}

/// Signed decimal digits as `i128` (enough for every element type), or `None` when out of range.
fn parse_int(negative: bool, digits: &str) -> Option<i128> {
    let magnitude = digits.parse::<u64>().ok()? as i128;
    Some(if negative { -magnitude } else { magnitude })
}

/// The little-endian bytes of one scalar as an element of type `element`.
fn encode_scalar(scalar: &Scalar<'_>, element: ElementType) -> Result<Vec<u8>, String> {
    let what = || format!("a {element} element");
    match scalar {
        Scalar::Bool(b) if element == ElementType::Bool => Ok(vec![u8::from(*b)]),
        Scalar::Bool(_) => Err(format!("expected a number for {}, found a bool", what())),
        Scalar::Hex(text) => {
            let bits = u64::from_str_radix(&text[2..], 16).map_err(|_| format!("hex literal {text} is too large"))?;
            let size = element.size();
            if size < 8 && bits >> (8 * size) != 0 {
                return Err(format!("hex literal {text} does not fit in {}", what()));
            }
            Ok(bits.to_le_bytes()[..size].to_vec())
        }
        Scalar::Int { negative, digits } if !element.is_float() => {
            let (min, max): (i128, i128) = match element {
                ElementType::Bool => (0, 1),
                ElementType::I8 => (i8::MIN.into(), i8::MAX.into()),
                ElementType::U8 => (0, u8::MAX.into()),
                ElementType::I16 => (i16::MIN.into(), i16::MAX.into()),
                ElementType::I32 => (i32::MIN.into(), i32::MAX.into()),
                _ => (i64::MIN.into(), i64::MAX.into()),
            };
            let sign = if *negative { "-" } else { "" };
            match parse_int(*negative, digits) {
                Some(v) if (min..=max).contains(&v) => Ok(encode_i64(element, v as i64)),
                _ => Err(format!("{sign}{digits} does not fit in {}", what())),
            }
        }
        Scalar::Float { .. } if !element.is_float() => Err(format!("expected an integer for {}", what())),
        Scalar::Int { negative, digits: text } | Scalar::Float { negative, text } => {
            // Parse at the element's precision to avoid double rounding; f16 and bf16 go through f32,
            // whose shortest repr (what the printer writes) holds each of their values exactly.
            let value = if element == ElementType::F64 {
                text.parse::<f64>().ok()
            } else {
                text.parse::<f32>().ok().map(f64::from)
            }
            .ok_or_else(|| format!("invalid float literal '{text}'"))?;
            Ok(encode_f64(element, if *negative { -value } else { value }))
        }
    }
}

impl<'a> Parser<'a> {
    // ----- types -----

    pub(super) fn parse_type(&mut self) -> Result<Type, Error> {
        match self.tok.tok {
            Tok::LParen => Ok(Type::Function(self.function_type()?)),
            Tok::BareId("tensor") => Ok(Type::Tensor(self.tensor_type()?)),
            Tok::BareId("memref") => Ok(Type::MemRef(self.memref_type()?)),
            Tok::BareId("index") => {
                self.advance()?;
                Ok(Type::Index)
            }
            Tok::BareId(name) => {
                let element = ElementType::from_mnemonic(name).ok_or_else(|| {
                    self.error(format!(
                        "unknown type '{name}' (expected tensor<...>, memref<...>, index, a function type or one of {})",
                        element_type_list()
                    ))
                })?;
                self.advance()?;
                Ok(Type::Element(element))
            }
            _ => Err(self.error(format!("expected a type, found {}", self.tok.tok.describe()))),
        }
    }

    /// `(a, b) -> c`, `(a) -> (b, c)`, `() -> ()`.
    pub(super) fn function_type(&mut self) -> Result<FunctionType, Error> {
        self.nested(|p| {
            let inputs = p.type_list("the function type's inputs")?;
            p.expect(Tok::Arrow, "'->' and the result types")?;
            let results =
                if p.tok.tok == Tok::LParen { p.type_list("the result types")? } else { vec![p.parse_type()?] };
            Ok(FunctionType { inputs, results })
        })
    }

    /// `(type, ...)`.
    fn type_list(&mut self, what: &str) -> Result<Vec<Type>, Error> {
        self.expect(Tok::LParen, &format!("'(' to open {what}"))?;
        let mut types = Vec::new();
        self.comma_list(Tok::RParen, &format!("')' to close {what}"), |p| {
            types.push(p.parse_type()?);
            Ok(())
        })?;
        Ok(types)
    }

    /// `memref<2x3xf32>`: static dims only.
    fn memref_type(&mut self) -> Result<MemRefType, Error> {
        self.advance()?;
        if self.tok.tok != Tok::Less {
            return Err(self.error("expected '<' after 'memref'"));
        }
        let dims = self.lexer.scan_dims()?;
        self.advance()?;
        let element = match self.tok.tok {
            Tok::BareId(name) => ElementType::from_mnemonic(name).ok_or_else(|| {
                self.error(format!("unknown element type '{name}' (expected one of {})", element_type_list()))
            })?,
            _ => {
                return Err(self.error(format!(
                    "expected a dimension ('4x') or an element type (one of {})",
                    element_type_list()
                )));
            }
        };
        self.advance()?;
        self.expect(Tok::Greater, "'>' to close the memref type")?;
        let shape = dims
            .into_iter()
            .map(|(dim, offset)| match dim {
                DimToken::Static(n) => Ok(n),
                DimToken::Dynamic => Err(Error::new(offset, "memref dimensions must be static")),
            })
            .collect::<Result<Vec<u64>, Error>>()?;
        Ok(MemRefType { shape, element })
    }

    /// `tensor<1x?x3xf32, {dims = ["N"], layout = "NHWC"}>`.
    fn tensor_type(&mut self) -> Result<TensorType, Error> {
        self.advance()?;
        if self.tok.tok != Tok::Less {
            return Err(self.error("expected '<' after 'tensor'"));
        }
        // The lexer stands right after '<': the dimension list is scanned from there.
        let dims = self.lexer.scan_dims()?;
        self.advance()?;
        let element = match self.tok.tok {
            Tok::BareId(name) => ElementType::from_mnemonic(name).ok_or_else(|| {
                self.error(format!("unknown element type '{name}' (expected one of {})", element_type_list()))
            })?,
            _ => {
                return Err(self.error(format!(
                    "expected a dimension ('4x', '?x') or an element type (one of {})",
                    element_type_list()
                )));
            }
        };
        self.advance()?;
        let mut encoding = Encoding::default();
        if self.eat(Tok::Comma)? {
            let offset = self.tok.offset;
            if self.tok.tok != Tok::LBrace {
                return Err(self.error("expected the tensor encoding {dims = [...], layout = \"...\"}"));
            }
            let dict = self.attr_dict()?;
            encoding = tensor_encoding(dict).map_err(|e| Error::new(offset, e))?;
        }
        self.expect(Tok::Greater, "'>' to close the tensor type")?;
        let dynamic = dims.iter().filter(|(d, _)| matches!(d, DimToken::Dynamic)).count();
        let mut names = match encoding.names {
            Some(names) if names.len() != dynamic => {
                let offset = dims.first().map_or(self.tok.offset, |(_, o)| *o);
                return Err(Error::new(
                    offset,
                    format!("the tensor has {dynamic} dynamic ('?') dimension(s) but `dims` names {}", names.len()),
                ));
            }
            Some(names) => {
                names.iter().for_each(|name| self.ctx.note_symbol(name));
                names.into_iter()
            }
            None => Vec::new().into_iter(),
        };
        let shape = dims
            .into_iter()
            .map(|(dim, _)| match dim {
                DimToken::Static(n) => Dim::Static(n),
                DimToken::Dynamic => Dim::Symbol(names.next().unwrap_or_else(|| self.ctx.fresh_symbol())),
            })
            .collect();
        Ok(TensorType { shape, element, layout: encoding.layout })
    }

    // ----- attributes -----

    /// `{key = value, flag, "quoted key" = value}`; a key without a value is a unit attribute.
    fn attr_dict(&mut self) -> Result<AttrDict, Error> {
        let mut dict = AttrDict::new();
        self.attr_dict_into(&mut dict)?;
        Ok(dict)
    }

    /// Parses an attribute dictionary into `dict`; a key already there is an error.
    pub(super) fn attr_dict_into(&mut self, dict: &mut AttrDict) -> Result<(), Error> {
        self.nested(|p| {
            p.expect(Tok::LBrace, "'{' to open an attribute dictionary")?;
            p.comma_list(Tok::RBrace, "'}' to close the attribute dictionary", |p| {
                let (key, offset) = p.key("an attribute name")?;
                let value = if p.eat(Tok::Equal)? { p.attribute()? } else { Attribute::Unit };
                if dict.insert(key.clone(), value).is_some() {
                    return Err(Error::new(offset, format!("attribute '{key}' is given twice")));
                }
                Ok(())
            })
        })
    }

    pub(super) fn attribute(&mut self) -> Result<Attribute, Error> {
        self.nested(Self::attribute_body)
    }

    fn attribute_body(&mut self) -> Result<Attribute, Error> {
        let attr = match &self.tok.tok {
            Tok::BareId("unit") => Attribute::Unit,
            Tok::BareId("true") => Attribute::Bool(true),
            Tok::BareId("false") => Attribute::Bool(false),
            Tok::BareId("dense") => return self.dense().map(Attribute::Dense),
            Tok::BareId("dense_resource") => return self.dense_resource().map(Attribute::Dense),
            Tok::BareId(name)
                if *name == "tensor"
                    || *name == "memref"
                    || *name == "index"
                    || ElementType::from_mnemonic(name).is_some() =>
            {
                return self.parse_type().map(Attribute::Type);
            }
            Tok::LParen => return self.parse_type().map(Attribute::Type),
            Tok::Minus | Tok::Integer(_) | Tok::Float(_) => return self.number(),
            Tok::String(s) => Attribute::String(Arc::from(s.as_str())),
            Tok::AtId(s) => Attribute::Symbol(Arc::from(s.as_str())),
            Tok::LSquare => {
                self.advance()?;
                let mut items = Vec::new();
                self.comma_list(Tok::RSquare, "']' to close the array", |p| {
                    items.push(p.attribute()?);
                    Ok(())
                })?;
                return Ok(Attribute::Array(items));
            }
            Tok::LBrace => return self.attr_dict().map(Attribute::Dict),
            other => return Err(self.error(format!("expected an attribute value, found {}", other.describe()))),
        };
        self.advance()?;
        Ok(attr)
    }

    /// `42`, `-3 : i32`, `1.5`, `0x7FF8000000000000 : f64` (a hex literal is a float's bit pattern).
    fn number(&mut self) -> Result<Attribute, Error> {
        let offset = self.tok.offset;
        let negative = self.eat(Tok::Minus)?;
        let attr = match self.tok.tok {
            Tok::Integer(text) if text.starts_with("0x") => {
                if negative {
                    return Err(Error::new(offset, "a hex float literal cannot have a sign"));
                }
                let bits = u64::from_str_radix(&text[2..], 16)
                    .map_err(|_| self.error(format!("hex literal {text} has more than 64 bits")))?;
                self.advance()?;
                match self.type_suffix()? {
                    None | Some(Type::Element(ElementType::F64)) => Attribute::Float(f64::from_bits(bits)),
                    Some(Type::Element(ElementType::F32)) => {
                        let bits =
                            u32::try_from(bits).map_err(|_| Error::new(offset, "hex literal does not fit in f32"))?;
                        Attribute::Float(f32::from_bits(bits).into())
                    }
                    Some(other) => {
                        return Err(Error::new(
                            offset,
                            format!("a hex float literal of type {other} is not supported"),
                        ));
                    }
                }
            }
            Tok::Integer(digits) => {
                let value = parse_int(negative, digits).and_then(|v| i64::try_from(v).ok()).ok_or_else(|| {
                    let sign = if negative { "-" } else { "" };
                    Error::new(offset, format!("integer literal {sign}{digits} is out of range for i64"))
                })?;
                self.advance()?;
                match self.type_suffix()? {
                    None | Some(Type::Index) => {}
                    Some(Type::Element(e)) if e.is_int() => {}
                    Some(other) => {
                        return Err(Error::new(offset, format!("an integer attribute cannot have type {other}")));
                    }
                }
                Attribute::Int(value)
            }
            Tok::Float(text) => {
                let value = text.parse::<f64>().map_err(|_| self.error(format!("invalid float literal '{text}'")))?;
                self.advance()?;
                match self.type_suffix()? {
                    None => {}
                    Some(Type::Element(e)) if e.is_float() => {}
                    Some(other) => {
                        return Err(Error::new(offset, format!("a float attribute cannot have type {other}")));
                    }
                }
                Attribute::Float(if negative { -value } else { value })
            }
            _ => return Err(self.error("expected a number after '-'")),
        };
        Ok(attr)
    }

    /// An optional `: type` after a number.
    fn type_suffix(&mut self) -> Result<Option<Type>, Error> {
        if self.eat(Tok::Colon)? { self.parse_type().map(Some) } else { Ok(None) }
    }

    /// `dense<literal> : tensor<...>`: nested lists per dimension, one scalar (a splat) or nothing.
    fn dense(&mut self) -> Result<DenseAttr, Error> {
        self.advance()?;
        self.expect(Tok::Less, "'<' after 'dense'")?;
        let literal_offset = self.tok.offset;
        let literal =
            if self.tok.tok == Tok::Greater { Literal::List(Vec::new(), literal_offset) } else { self.literal()? };
        self.expect(Tok::Greater, "'>' to close the dense literal")?;
        let ty = self.dense_type("dense literal")?;
        let count = static_count(&ty).map_err(|e| Error::new(literal_offset, e))?;
        if let Literal::Scalar(scalar, offset) = &literal {
            let bytes = encode_scalar(scalar, ty.element).map_err(|e| Error::new(*offset, e))?;
            return DenseAttr::splat(ty, Bytes::from(bytes)).map_err(|e| Error::new(literal_offset, e));
        }
        let shape = literal.shape()?;
        let mut scalars = Vec::new();
        literal.flatten(&mut scalars);
        let ty_shape = ty.static_shape().unwrap_or_default();
        if scalars.len() as u64 != count {
            return Err(Error::new(
                literal_offset,
                format!("dense literal has {} elements but {ty} needs {count}", scalars.len()),
            ));
        }
        if shape != ty_shape && shape.len() != 1 {
            return Err(Error::new(
                literal_offset,
                format!("dense literal has shape {shape:?} but {ty} has shape {ty_shape:?}"),
            ));
        }
        let mut bytes = Vec::with_capacity(scalars.len() * ty.element.size());
        for (scalar, offset) in scalars {
            bytes.extend(encode_scalar(scalar, ty.element).map_err(|e| Error::new(offset, e))?);
        }
        DenseAttr::from_bytes(ty, Bytes::from(bytes)).map_err(|e| Error::new(literal_offset, e))
    }

    /// A scalar or a bracketed list of literals.
    fn literal(&mut self) -> Result<Literal<'a>, Error> {
        self.nested(|p| {
            let offset = p.tok.offset;
            if p.eat(Tok::LSquare)? {
                let mut items = Vec::new();
                p.comma_list(Tok::RSquare, "']' to close the list", |p| {
                    items.push(p.literal()?);
                    Ok(())
                })?;
                return Ok(Literal::List(items, offset));
            }
            let negative = p.eat(Tok::Minus)?;
            let scalar = match p.tok.tok {
                Tok::Integer(digits) if !digits.starts_with("0x") => Scalar::Int { negative, digits },
                Tok::Float(text) => Scalar::Float { negative, text },
                _ if negative => return Err(p.error("expected a number after '-'")),
                Tok::Integer(hex) => Scalar::Hex(hex),
                Tok::BareId("true") => Scalar::Bool(true),
                Tok::BareId("false") => Scalar::Bool(false),
                Tok::String(_) => {
                    return Err(
                        p.error("hex string dense literals (dense<\"0x...\">) are not supported; use dense_resource")
                    );
                }
                _ => {
                    let found = p.tok.tok.describe();
                    return Err(
                        p.error(format!("expected a dense element (a number, true or false) or '[', found {found}"))
                    );
                }
            };
            p.advance()?;
            Ok(Literal::Scalar(scalar, offset))
        })
    }

    /// `: tensor<...>` after a dense literal or resource handle.
    fn dense_type(&mut self, what: &str) -> Result<TensorType, Error> {
        self.expect(Tok::Colon, &format!("':' and the tensor type of the {what}"))?;
        let offset = self.tok.offset;
        match self.parse_type()? {
            Type::Tensor(t) => Ok(t),
            other => Err(Error::new(offset, format!("a {what} needs a tensor type, not {other}"))),
        }
    }

    /// `dense_resource<__elided__> : tensor<...>` or `dense_resource<blob0> : tensor<...>`.
    fn dense_resource(&mut self) -> Result<DenseAttr, Error> {
        self.advance()?;
        self.expect(Tok::Less, "'<' after 'dense_resource'")?;
        let (handle, offset) = self.key("a resource handle")?;
        self.expect(Tok::Greater, "'>' to close the resource handle")?;
        let ty = self.dense_type("resource handle")?;
        let result = if handle == "__elided__" {
            DenseAttr::elided(ty)
        } else {
            let bytes = self.resources.get(&handle).ok_or_else(|| {
                Error::new(
                    offset,
                    format!("unknown resource '{handle}': the file has no dialect_resources entry for it"),
                )
            })?;
            DenseAttr::from_bytes(ty, bytes.clone())
        };
        result.map_err(|e| Error::new(offset, e))
    }

    // ----- locations -----

    /// ` loc(...)` if the next token starts one, else `Location::Unknown`.
    pub(super) fn optional_location(&mut self) -> Result<Location, Error> {
        if self.tok.tok != Tok::BareId("loc") {
            return Ok(Location::Unknown);
        }
        self.advance()?;
        self.expect(Tok::LParen, "'(' after 'loc'")?;
        let loc = self.location()?;
        self.expect(Tok::RParen, "')' to close the location")?;
        Ok(loc)
    }

    /// `unknown`, `"name"`, `"file":line:col` or `fused[loc, ...]`.
    fn location(&mut self) -> Result<Location, Error> {
        self.nested(|p| match &p.tok.tok {
            Tok::BareId("unknown") => {
                p.advance()?;
                Ok(Location::Unknown)
            }
            Tok::BareId("fused") => {
                p.advance()?;
                if p.tok.tok == Tok::Less {
                    return Err(p.error("fused locations with metadata (fused<...>) are not supported"));
                }
                p.expect(Tok::LSquare, "'[' after 'fused'")?;
                let mut parts = Vec::new();
                p.comma_list(Tok::RSquare, "']' to close the fused location", |p| {
                    parts.push(p.location()?);
                    Ok(())
                })?;
                Ok(Location::Fused(parts))
            }
            Tok::String(name) => {
                let name: Arc<str> = Arc::from(name.as_str());
                p.advance()?;
                if p.tok.tok == Tok::LParen {
                    return Err(p.error("named locations with a child location are not supported"));
                }
                if !p.eat(Tok::Colon)? {
                    return Ok(Location::Name(name));
                }
                let line = p.location_number("line")?;
                p.expect(Tok::Colon, "':' and the column number")?;
                let column = p.location_number("column")?;
                Ok(Location::FileLineCol { file: name, line, column })
            }
            _ => Err(p.error("expected a location: unknown, \"name\", \"file\":line:col or fused[...]")),
        })
    }

    fn location_number(&mut self, what: &str) -> Result<u32, Error> {
        let value = match self.tok.tok {
            Tok::Integer(digits) => digits.parse::<u32>().ok(),
            _ => None,
        };
        let value = value.ok_or_else(|| self.error(format!("expected a {what} number")))?;
        self.advance()?;
        Ok(value)
    }
}

/// What a tensor's encoding dictionary gives: names for the `?` dims and a layout.
#[derive(Default)]
struct Encoding {
    names: Option<Vec<Arc<str>>>,
    layout: Option<Layout>,
}

fn tensor_encoding(dict: AttrDict) -> Result<Encoding, String> {
    let mut encoding = Encoding::default();
    for (key, value) in dict {
        match (key.as_str(), value) {
            ("dims", Attribute::Array(items)) => {
                let strings = items.into_iter().map(|item| match item {
                    Attribute::String(s) => Ok(s),
                    _ => Err("`dims` must be an array of strings".to_string()),
                });
                encoding.names = Some(strings.collect::<Result<Vec<_>, _>>()?);
            }
            ("dims", _) => return Err("`dims` must be an array of strings".to_string()),
            ("layout", Attribute::String(s)) => {
                encoding.layout = Some(Layout::parse(&s).ok_or_else(|| {
                    format!("unknown layout '{s}' (expected NCHW, NHWC or NCHW<block>c such as NCHW16c)")
                })?);
            }
            ("layout", _) => return Err("`layout` must be a string such as \"NHWC\"".to_string()),
            (other, _) => return Err(format!("unknown tensor encoding key '{other}' (expected dims or layout)")),
        }
    }
    Ok(encoding)
}
