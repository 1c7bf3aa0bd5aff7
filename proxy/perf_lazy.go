package proxy

import "slices"

// Lazy details: when a query sorts, every head the merge compares needs its
// _rankingScoreDetails, but a comparison reads rules only up to the first
// that differs (usually the sort value, the first rule). The merge therefore
// decodes a head's rules one at a time, as comparisons ask for them.

// lazyDetails is the part of a head's _rankingScoreDetails not decoded yet.
type lazyDetails struct {
	s    scanner
	more bool  // s holds more rules
	err  error // the details were malformed (the merge fails with it)
}

// startDetails prepares raw, a details object, for rule-by-rule decoding;
// k.rules must be empty.
func (k *hitKey) startDetails(raw []byte) {
	k.lazy = lazyDetails{s: scanner{b: raw}}
	l := &k.lazy
	if l.err = l.s.expect('{'); l.err != nil {
		return
	}
	if l.s.peek() == '}' {
		l.s.i++
		return
	}
	l.more = true
}

// ensure decodes rules until rule i is there or none are left.
func (k *hitKey) ensure(i int) {
	for len(k.rules) <= i && k.lazy.more {
		k.nextRule()
	}
}

// decodeAll decodes every rule left.
func (k *hitKey) decodeAll() {
	for k.lazy.more {
		k.nextRule()
	}
}

// nextRule decodes one rule. Rules arrive in "order" (Meilisearch and the
// engine write them so); one that does not makes it decode the rest and
// sort them, as decodeDetails does.
func (k *hitKey) nextRule() {
	if k.decodeOne() {
		return
	}
	for k.lazy.more {
		k.decodeOne()
	}
	slices.SortFunc(k.rules, func(a, b rankValue) int { return a.order - b.order })
}

// decodeOne decodes the next rule and reports whether it came in order.
func (k *hitKey) decodeOne() bool {
	l := &k.lazy
	fail := func(err error) bool {
		l.err, l.more = err, false
		return true
	}
	name, esc, err := l.s.str()
	if err != nil {
		return fail(err)
	}
	name = unquote(name, esc)
	if err := l.s.expect(':'); err != nil {
		return fail(err)
	}
	rv := rankValue{kind: ruleKind(name)}
	if rv.kind == kindSort || rv.kind == kindGeo {
		rv.asc = !hasDescSuffix(name)
	}
	if err := decodeRule(&l.s, &rv); err != nil {
		return fail(err)
	}
	inOrder := rv.order == len(k.rules)
	k.rules = append(k.rules, rv)
	switch l.s.peek() {
	case ',':
		l.s.i++
	case '}':
		l.s.i++
		l.more = false
	default:
		return fail(errSyntax)
	}
	return inOrder
}

func hasDescSuffix(name []byte) bool {
	return len(name) >= 5 && string(name[len(name)-5:]) == ":desc"
}
