package history

import "sort"

// PeerState is one peer's FSM as reported after healing.
type PeerState struct {
	Peer    string
	Digest  string
	Applied uint64
}

// CheckDigests is checker 3: every peer reports the same FSM digest at the
// same applied index. want is the number of peers that should answer.
func CheckDigests(states []PeerState, want int) Verdict {
	v := newVerdict("peers' FSMs equal")
	sort.Slice(states, func(i, j int) bool { return states[i].Peer < states[j].Peer })
	if len(states) < want {
		v.fail("%d of %d peers answered", len(states), want)
	}
	for _, s := range states {
		if s.Digest == "" {
			v.fail("%s reports no digest", s.Peer)
		}
	}
	for _, s := range states[min(1, len(states)):] {
		f := states[0]
		if s.Digest != f.Digest || s.Applied != f.Applied {
			v.fail("%s at %d digest %.12s differs from %s at %d digest %.12s", s.Peer, s.Applied, s.Digest, f.Peer, f.Applied, f.Digest)
		}
	}
	if v.OK && len(states) > 0 {
		v.note("%d peers at applied index %d", len(states), states[0].Applied)
	}
	return *v
}
