package store

import "sort"

// Peer mirrors one raft server. Raft's own configuration is the truth about
// voters; the store keeps the addresses other peers need to forward requests.
type Peer struct {
	ID       string `json:"id"`       // raft server id
	RaftAddr string `json:"raftAddr"` // raft transport address
	APIAddr  string `json:"apiAddr"`  // HTTP address serving the API and internal routes
}

// PutPeer adds a peer or updates its addresses (idempotent: joins repeat).
func (s *State) PutPeer(p Peer) error {
	if p.ID == "" || p.RaftAddr == "" {
		return errorf(ErrInvalid, "a peer needs an id and a raft address")
	}
	s.peers[p.ID] = p
	return nil
}

// RemovePeer deletes a peer.
func (s *State) RemovePeer(id string) error {
	if _, ok := s.peers[id]; !ok {
		return errorf(ErrPeerNotFound, "Peer `%s` not found.", id)
	}
	delete(s.peers, id)
	return nil
}

// Peer returns one peer.
func (s *State) Peer(id string) (Peer, bool) {
	p, ok := s.peers[id]
	return p, ok
}

// Peers returns every peer, sorted by id.
func (s *State) Peers() []Peer { return sortedValues(s.peers) }

// sortedValues returns the map's values ordered by key, the one order every
// peer agrees on.
func sortedValues[V any](m map[string]V) []V {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
