package meili

import "strings"

// The string parser follows the structure of Meilisearch's nom parser
// (crates/filter-parser/src/lib.rs) closely, including which failures are
// final ("cut") and which let the next alternative run, because that
// decides which error message a malformed filter gets.

type filterParser struct {
	s   string
	src int // index into Filter.Sources, stamped on positions
}

func parseFilterString(s string, src int, code Code) (Node, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	p := &filterParser{s: s, src: src}
	n, end, err := p.or(0, 0)
	if err == nil && end < len(s) {
		err = &parseErr{kind: fkExpectedEOF, start: end, end: len(s)}
	}
	if err != nil {
		if err.kind == fkIncomplete {
			err.start, err.end = 0, len(s)
		}
		return nil, err.toError(s, code)
	}
	return n, nil
}

func (p *filterParser) pos(start, end int) Pos { return Pos{Source: p.src, Start: start, End: end} }

func (p *filterParser) rest(kind filterErrKind, at int) *parseErr {
	return &parseErr{kind: kind, start: at, end: len(p.s)}
}

func (p *filterParser) depthErr(at, depth int) *parseErr {
	if depth > MaxFilterDepth {
		return p.rest(fkDepthLimit, at)
	}
	return nil
}

// or = and ("OR" and)*
func (p *filterParser) or(pos, depth int) (Node, int, *parseErr) {
	return p.chain(pos, depth, "OR", p.and, func(c []Node, at Pos) Node { return &Or{Children: c, At: at} })
}

// and = not ("AND" not)*
func (p *filterParser) and(pos, depth int) (Node, int, *parseErr) {
	return p.chain(pos, depth, "AND", p.not, func(c []Node, at Pos) Node { return &And{Children: c, At: at} })
}

func (p *filterParser) chain(pos, depth int, kw string, next func(int, int) (Node, int, *parseErr),
	build func([]Node, Pos) Node) (Node, int, *parseErr) {
	if err := p.depthErr(pos, depth); err != nil {
		return nil, 0, err
	}
	first, end, err := next(pos, depth+1)
	if err != nil {
		return nil, 0, err
	}
	nodes := []Node{first}
	for {
		q := skipMS(p.s, end)
		we, ok := wordIs(p.s, q, kw)
		if !ok {
			break
		}
		n, e, err := next(skipMS(p.s, we), depth+1)
		if err != nil {
			return nil, 0, err.cut()
		}
		nodes = append(nodes, n)
		end = e
	}
	if len(nodes) == 1 {
		return first, end, nil
	}
	return build(nodes, p.pos(first.Span().Start, end)), end, nil
}

// not = "NOT" not | primary; NOT NOT x is x.
func (p *filterParser) not(pos, depth int) (Node, int, *parseErr) {
	if err := p.depthErr(pos, depth); err != nil {
		return nil, 0, err
	}
	q := skipMS(p.s, pos)
	if we, ok := wordIs(p.s, q, "NOT"); ok {
		n, end, err := p.not(skipMS(p.s, we), depth+1)
		if err != nil {
			return nil, 0, err.cut()
		}
		if inner, ok := n.(*Not); ok {
			return inner.Child, end, nil
		}
		return &Not{Child: n, At: p.pos(q, end)}, end, nil
	}
	return p.primary(pos, depth+1)
}

func (p *filterParser) primary(pos, depth int) (Node, int, *parseErr) {
	if err := p.depthErr(pos, depth); err != nil {
		return nil, 0, err
	}
	q := skipMS(p.s, pos)
	if q < len(p.s) && p.s[q] == '(' {
		n, end, err := p.or(skipMS(p.s, q+1), depth+1)
		if err != nil {
			return nil, 0, err.cut()
		}
		end = skipMS(p.s, end)
		if end >= len(p.s) || p.s[end] != ')' {
			return nil, 0, &parseErr{kind: fkMissingClosingDelimiter, ch: ')', start: pos, end: len(p.s), fatal: true}
		}
		return n, skipMS(p.s, end+1), nil
	}
	if n, end, err, ok := p.geo(q); ok {
		return n, end, err
	}
	field, end, err := p.value(pos)
	if err != nil {
		if err.fatal || err.kind == fkIncomplete || (err.kind == fkExpectedValue && err.reserved) {
			return nil, 0, err.cut()
		}
		return nil, 0, p.rest(fkInvalidPrimary, pos)
	}
	n, end, err := p.operation(field, pos, end)
	if err != nil {
		return nil, 0, err
	}
	if n == nil {
		return nil, 0, p.rest(fkInvalidPrimary, pos)
	}
	return n, end, nil
}

// operation parses what follows the field, trying Meilisearch's
// alternatives in its order. It returns a nil node when none applies.
func (p *filterParser) operation(field Value, start, pos int) (Node, int, *parseErr) {
	s := p.s
	if we, ok := wordIs(s, pos, "IN"); ok {
		return p.in(field, we)
	}
	if we, ok := wordIs(s, pos, "NOT"); ok {
		if we2, ok := wordIs(s, skipMS(s, we), "IN"); ok {
			n, end, err := p.in(field, we2)
			if err != nil {
				return nil, 0, err
			}
			return &Not{Child: n, At: n.Span()}, end, nil
		}
	}
	for _, op := range []Op{OpLte, OpGte, OpNe, OpLt, OpGt, OpEq} {
		if strings.HasPrefix(s[pos:], string(op)) {
			return p.operand(field, op, pos+len(op), false)
		}
	}
	if n, end, ok := p.isOp(field, pos); ok {
		return n, end, nil
	}
	if n, end, err, ok := p.vectors(start); ok {
		return n, end, err.cut()
	}
	if n, end, ok := p.existsOp(field, pos); ok {
		return n, end, nil
	}
	if n, end, err := p.to(field, pos); n != nil || err != nil {
		return n, end, err
	}
	for _, c := range []struct {
		kw  string
		op  Op
		neg bool
	}{{"CONTAINS", OpContains, false}, {"NOT", OpContains, true}, {"STARTS WITH", OpStartsWith, false}, {"NOT", OpStartsWith, true}} {
		at, ok := pos+len(c.kw), strings.HasPrefix(s[pos:], c.kw)
		if ok && c.neg {
			at, ok = ms1(s, at)
			ok = ok && strings.HasPrefix(s[at:], string(c.op))
			at += len(c.op)
		}
		if ok {
			return p.operand(field, c.op, at, c.neg)
		}
	}
	return nil, 0, nil
}

func (p *filterParser) operand(field Value, op Op, pos int, neg bool) (Node, int, *parseErr) {
	v, end, err := p.value(pos)
	if err != nil {
		return nil, 0, err.cut()
	}
	var n Node = &Condition{Field: field, Op: op, Value: v}
	if neg {
		n = &Not{Child: n, At: field.At}
	}
	return n, end, nil
}

func keywordCondition(field Value, op Op, end int, neg bool) (Node, int, bool) {
	var n Node = &Condition{Field: field, Op: op}
	if neg {
		n = &Not{Child: n, At: field.At}
	}
	return n, end, true
}

// isOp handles IS [NOT] NULL and IS [NOT] EMPTY. Like Meilisearch these
// are prefix matches ("tag"), not whole words.
func (p *filterParser) isOp(field Value, pos int) (Node, int, bool) {
	s := p.s
	cond := func(op Op, end int, neg bool) (Node, int, bool) { return keywordCondition(field, op, end, neg) }
	if strings.HasPrefix(s[pos:], "IS") {
		if at, ok := ms1(s, pos+2); ok {
			for _, op := range []Op{OpIsNull, OpIsEmpty} {
				word := strings.TrimPrefix(string(op), "IS ")
				if strings.HasPrefix(s[at:], word) {
					return cond(op, at+len(word), false)
				}
			}
			if strings.HasPrefix(s[at:], "NOT") {
				if at2, ok := ms1(s, at+3); ok {
					for _, op := range []Op{OpIsNull, OpIsEmpty} {
						word := strings.TrimPrefix(string(op), "IS ")
						if strings.HasPrefix(s[at2:], word) {
							return cond(op, at2+len(word), true)
						}
					}
				}
			}
		}
	}
	return nil, 0, false
}

// existsOp handles EXISTS and NOT EXISTS (prefix matches too).
func (p *filterParser) existsOp(field Value, pos int) (Node, int, bool) {
	s := p.s
	if strings.HasPrefix(s[pos:], "EXISTS") {
		return keywordCondition(field, OpExists, pos+len("EXISTS"), false)
	}
	if strings.HasPrefix(s[pos:], "NOT") {
		if at, ok := ms1(s, pos+3); ok && strings.HasPrefix(s[at:], "EXISTS") {
			return keywordCondition(field, OpExists, at+len("EXISTS"), true)
		}
	}
	return nil, 0, false
}

// to = value value "TO" WS+ value. A fatal error while reading the lower
// bound is reported, as in Meilisearch; a plain one means "not a range".
func (p *filterParser) to(field Value, pos int) (Node, int, *parseErr) {
	from, end, err := p.value(pos)
	if err != nil {
		if err.fatal || err.kind == fkIncomplete {
			return nil, 0, err
		}
		return nil, 0, nil
	}
	if !strings.HasPrefix(p.s[end:], "TO") {
		return nil, 0, nil
	}
	at, ok := ms1(p.s, end+2)
	if !ok {
		return nil, 0, nil
	}
	upper, end, err := p.value(at)
	if err != nil {
		return nil, 0, err.cut()
	}
	return &Condition{Field: field, Op: OpTo, Value: from, To: upper}, end, nil
}

// in parses the body after the IN keyword: WS* "[" value_list "]".
func (p *filterParser) in(field Value, pos int) (Node, int, *parseErr) {
	s := p.s
	q := skipMS(s, pos)
	if q >= len(s) || s[q] != '[' {
		return nil, 0, p.rest(fkInOpeningBracket, q).cut()
	}
	vals, end, err := p.valueList(q + 1)
	if err != nil {
		return nil, 0, err.cut()
	}
	r := skipMS(s, end)
	if r >= len(s) || s[r] != ']' {
		kind := fkInExpectedValue
		if end == len(s) {
			kind = fkInClosingBracket
		}
		return nil, 0, p.rest(kind, end).cut()
	}
	r = skipMS(s, r+1)
	return &Condition{Field: field, Op: OpIn, Values: vals}, r, nil
}

// valueList = (value ("," value)* ","?)?
func (p *filterParser) valueList(pos int) ([]Value, int, *parseErr) {
	vals := []Value{}
	v, end, err := p.value(pos)
	if err != nil {
		if err.fatal || err.kind == fkIncomplete {
			return nil, 0, err
		}
		return vals, pos, nil
	}
	vals = append(vals, v)
	for {
		q := skipMS(p.s, end)
		if q >= len(p.s) || p.s[q] != ',' {
			break
		}
		v, e, err := p.value(skipMS(p.s, q+1))
		if err != nil {
			if err.fatal || err.kind == fkIncomplete {
				return nil, 0, err
			}
			break
		}
		vals = append(vals, v)
		end = e
	}
	if q := skipMS(p.s, end); q < len(p.s) && p.s[q] == ',' {
		end = skipMS(p.s, q+1)
	}
	return vals, end, nil
}
