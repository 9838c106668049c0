package webhook

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// view is what a strict JSON decoder reads from b, written independently
// of the code under test: objects as their members in order (a repeated
// key kept twice), numbers as their literal text, strings as code points
// with a lone surrogate kept as itself and a byte that is not UTF-8 kept
// as that byte. Whitespace and the spelling of escapes are not part of
// it. A body that is not valid JSON is viewed as its bytes.
func view(b []byte) any {
	if !json.Valid(b) {
		return "raw:" + string(b)
	}
	p := &viewParser{b: b}
	return p.value()
}

type (
	viewMember struct {
		Key   viewString
		Value any
	}
	viewNumber string
	viewString string
)

// viewParser reads a document json.Valid accepted.
type viewParser struct {
	b []byte
	i int
}

func (p *viewParser) space() {
	for p.i < len(p.b) && strings.IndexByte(" \t\r\n", p.b[p.i]) >= 0 {
		p.i++
	}
}

func (p *viewParser) value() any {
	p.space()
	switch c := p.b[p.i]; c {
	case '{':
		p.i++
		members := []viewMember{}
		for {
			p.space()
			if p.b[p.i] == '}' {
				p.i++
				return members
			}
			if p.b[p.i] == ',' {
				p.i++
				p.space()
			}
			key := p.str()
			p.space()
			p.i++ // :
			members = append(members, viewMember{key, p.value()})
		}
	case '[':
		p.i++
		items := []any{}
		for {
			p.space()
			if p.b[p.i] == ']' {
				p.i++
				return items
			}
			if p.b[p.i] == ',' {
				p.i++
			}
			items = append(items, p.value())
		}
	case '"':
		return p.str()
	case 't':
		p.i += 4
		return true
	case 'f':
		p.i += 5
		return false
	case 'n':
		p.i += 4
		return nil
	}
	start := p.i
	for p.i < len(p.b) && strings.IndexByte("+-.0123456789eE", p.b[p.i]) >= 0 {
		p.i++
	}
	return viewNumber(p.b[start:p.i])
}

func (p *viewParser) str() viewString {
	var sb strings.Builder
	p.i++ // "
	for p.b[p.i] != '"' {
		c := p.b[p.i]
		if c != '\\' {
			r, size := utf8.DecodeRune(p.b[p.i:])
			if r == utf8.RuneError && size == 1 {
				fmt.Fprintf(&sb, "byte %x,", c)
			} else {
				fmt.Fprintf(&sb, "%x,", r)
			}
			p.i += size
			continue
		}
		e := p.b[p.i+1]
		if e != 'u' {
			fmt.Fprintf(&sb, "%x,", map[byte]rune{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[e])
			p.i += 2
			continue
		}
		r := p.hex(p.i + 2)
		p.i += 6
		if utf16.IsSurrogate(r) && r < 0xdc00 && p.i+6 <= len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
			if lo := p.hex(p.i + 2); lo >= 0xdc00 && lo < 0xe000 {
				r = utf16.DecodeRune(r, lo)
				p.i += 6
			}
		}
		fmt.Fprintf(&sb, "%x,", r)
	}
	p.i++
	return viewString(sb.String())
}

func (p *viewParser) hex(at int) rune {
	var r rune
	fmt.Sscanf(string(p.b[at:at+4]), "%x", &r)
	return r
}
