package meili

import (
	"strings"
	"unicode/utf8"
)

// VectorFilter is the optional suffix of a `_vectors` filter.
type VectorFilter string

// The `_vectors` filter suffixes.
const (
	VectorAny              VectorFilter = ""
	VectorFragment         VectorFilter = "fragments"
	VectorUserProvided     VectorFilter = "userProvided"
	VectorDocumentTemplate VectorFilter = "documentTemplate"
	VectorRegenerate       VectorFilter = "regenerate"
)

// VectorExists is `_vectors[.embedder[.fragments.<name> | .userProvided |
// .documentTemplate | .regenerate]] EXISTS`: documents with embeddings
// (of that embedder and kind). Embedder is "" when absent; Fragment is set
// for VectorFragment. `NOT EXISTS` parses to Not{VectorExists}.
type VectorExists struct {
	Embedder string
	Filter   VectorFilter
	Fragment string
	At       Pos
}

func (n *VectorExists) Span() Pos { return n.At }
func (*VectorExists) isNode()     {}

// String renders the filter; names that are not plain words are quoted.
func (n *VectorExists) String() string {
	var b strings.Builder
	b.WriteString("_vectors")
	if n.Embedder != "" || n.Filter != VectorAny {
		b.WriteString("." + vectorName(n.Embedder))
	}
	switch n.Filter {
	case VectorFragment:
		b.WriteString(".fragments." + vectorName(n.Fragment))
	case VectorAny:
	default:
		b.WriteString("." + string(n.Filter))
	}
	b.WriteString(" EXISTS")
	return b.String()
}

func vectorName(s string) string {
	if s != "" && !strings.ContainsRune(s, '.') && isBareWord(s) {
		return s
	}
	return quoteValue(s)
}

// vectors parses a `_vectors` filter at pos, following Meilisearch's
// parse_vectors: ok is false when the input is not one (so other
// operations are tried); once `_vectors.` is read, errors are final.
func (p *filterParser) vectors(pos int) (Node, int, *parseErr, bool) {
	s := p.s
	start := skipMS(s, pos)
	if !strings.HasPrefix(s[start:], "_vectors") {
		return nil, 0, nil, false
	}
	n := &VectorExists{}
	i := start + len("_vectors")
	if end, ok := ms1(s, i); ok {
		i = end
	} else {
		if i >= len(s) || s[i] != '.' {
			return nil, 0, nil, false
		}
		var err *parseErr
		if i, err = p.vectorSuffix(n, i+1); err != nil {
			return nil, 0, err, true
		}
	}
	n.At = p.pos(start, i)
	return p.vectorOperation(n, i)
}

func (p *filterParser) vectorSuffix(n *VectorExists, i int) (int, *parseErr) {
	s := p.s
	if strings.HasPrefix(s[i:], " ") {
		return 0, &parseErr{kind: fkExternal, text: "Was expecting embedder name but found nothing.", start: i, end: i + 1}
	}
	emb, i, err := p.vectorValue(i, "The vector filter's embedder name is invalid.")
	if err != nil {
		return 0, err
	}
	n.Embedder = emb.Text
	if i, err = p.vectorKind(n, i); err != nil {
		return 0, err
	}
	if i < len(s) && s[i] == '.' {
		return 0, p.unknownVectorSuffix(n, i)
	}
	end, ok := ms1(s, i)
	if !ok {
		return 0, &parseErr{kind: fkExternal, text: "The vector filter has leftover tokens.", start: i, end: len(s)}
	}
	return end, nil
}

func (p *filterParser) vectorKind(n *VectorExists, i int) (int, *parseErr) {
	s := p.s
	if strings.HasPrefix(s[i:], ".fragments") {
		i += len(".fragments")
		if i >= len(s) || s[i] != '.' {
			return 0, &parseErr{kind: fkExternal, text: "The vector filter is missing a fragment name.", start: i, end: len(s)}
		}
		frag, end, err := p.vectorValue(i+1, "The vector filter's fragment name is invalid.")
		if err != nil {
			return 0, err
		}
		n.Filter, n.Fragment = VectorFragment, frag.Text
		return end, nil
	}
	for _, k := range []VectorFilter{VectorUserProvided, VectorDocumentTemplate, VectorRegenerate} {
		if strings.HasPrefix(s[i:], "."+string(k)) {
			n.Filter = k
			return i + 1 + len(k), nil
		}
	}
	return i, nil
}

// vectorValue is parse_vector_value: a quoted value or a word without dots.
func (p *filterParser) vectorValue(i int, invalid string) (Value, int, *parseErr) {
	s := p.s
	if i < len(s) && (s[i] == '\'' || s[i] == '"') {
		v, _, err := p.quoted(i)
		if err != nil {
			if err.kind == fkMissingClosingDelimiter {
				return Value{}, 0, &parseErr{kind: fkExternal, text: "The quotes in one of the values are inconsistent.", start: i, end: len(s)}
			}
			return Value{}, 0, &parseErr{kind: fkExternal, text: invalid, start: i, end: len(s)}
		}
		return v, v.At.End + 1, nil
	}
	end := i
	for end < len(s) {
		r, w := utf8.DecodeRuneInString(s[end:])
		if r == '.' || !isValueComponent(r) || r == utf8.RuneError && w <= 1 {
			break
		}
		end += w
	}
	if end == i {
		return Value{}, 0, &parseErr{kind: fkExternal, text: invalid, start: i, end: len(s)}
	}
	return Value{Text: s[i:end], At: p.pos(i, end)}, end, nil
}

var vectorSuffixes = []string{"fragments", "userProvided", "documentTemplate", "regenerate"}

func (p *filterParser) unknownVectorSuffix(n *VectorExists, dot int) *parseErr {
	v, _, verr := p.vectorValue(dot+1, "")
	if verr != nil {
		return &parseErr{kind: fkExternal, start: dot, end: dot + 1,
			text: "Was expecting one of `.fragments`, `.userProvided`, `.documentTemplate`, `.regenerate` or nothing, but instead found a point without a valid value."}
	}
	e := &parseErr{kind: fkExternal, start: v.At.Start, end: v.At.End}
	switch {
	case n.Filter != VectorAny:
		e.text = "Vector filter can only accept one of `fragments`, `userProvided`, `documentTemplate` or `regenerate`, but found both `" + string(n.Filter) + "` and `" + v.Text + "`."
	case containsString(vectorSuffixes, v.Text):
		e.text = "Was expecting this part to be unquoted."
	default:
		e.text = "Was expecting one of `fragments`, `userProvided`, `documentTemplate`, `regenerate` or nothing, but instead found `" + v.Text + "`."
		for _, k := range vectorSuffixes {
			if editDistance(v.Text, k) <= 2 {
				e.text += " Did you mean `" + k + "`?"
				break
			}
		}
	}
	return e
}

func (p *filterParser) vectorOperation(n *VectorExists, i int) (Node, int, *parseErr, bool) {
	s := p.s
	if strings.HasPrefix(s[i:], "EXISTS") {
		return n, i + len("EXISTS"), nil, true
	}
	if strings.HasPrefix(s[i:], "NOT") {
		if at, ok := ms1(s, i+3); ok && strings.HasPrefix(s[at:], "EXISTS") {
			return &Not{Child: n, At: n.At}, at + len("EXISTS"), nil, true
		}
	}
	return nil, 0, &parseErr{kind: fkExternal, start: i, end: len(s),
		text: "Was expecting an operation like `EXISTS` or `NOT EXISTS` after the vector filter."}, true
}

// editDistance is the optimal-string-alignment distance (Levenshtein with
// adjacent transpositions), as Meilisearch's suggestion uses.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
