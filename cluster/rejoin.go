package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// knownPeersFile, under DataDir, remembers the gossip address of every
// peer this one has seen alive, by peer id. A restarted peer rejoins
// gossip through it: without it a peer started without --join (the seed)
// that was down longer than memberlist's GossipToTheDeadTime was never
// contacted again (memberlist neither probes nor gossips to dead nodes),
// so it stayed alone in gossip, without the leader's HTTP address, and
// could not forward a single write.
const knownPeersFile = "gossip-peers.json"

// knownPeers is the remembered address book; the loop updates it on
// membership events, the rejoiner reads it.
type knownPeers struct {
	path  string
	mu    sync.Mutex
	addrs map[string]string // peer id -> gossip host:port
}

func loadKnownPeers(dataDir string) (*knownPeers, error) {
	k := &knownPeers{path: filepath.Join(dataDir, knownPeersFile), addrs: map[string]string{}}
	b, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &k.addrs); err != nil {
		// A torn or foreign file only costs the rejoin shortcut.
		k.addrs = map[string]string{}
	}
	return k, nil
}

// remember records the alive members' addresses and rewrites the file
// when anything changed (atomically: temp file, then rename).
func (k *knownPeers) remember(self string, members []Member) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	next := maps.Clone(k.addrs)
	for _, m := range members {
		if m.Status == MemberAlive && m.Meta.PeerID != "" && m.Meta.PeerID != self {
			next[m.Meta.PeerID] = m.GossipAddr
		}
	}
	if maps.Equal(next, k.addrs) {
		return nil
	}
	b, err := json.Marshal(next)
	if err != nil {
		return err
	}
	tmp := k.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, k.path); err != nil {
		return err
	}
	k.addrs = next
	return nil
}

// addrsOf returns the remembered addresses of the given peer ids.
func (k *knownPeers) addrsOf(ids []string) []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []string
	for _, id := range ids {
		if a, ok := k.addrs[id]; ok {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// rejoinInterval is how often a peer looks for raft servers missing from
// its gossip view.
func (p *Peer) rejoinInterval() time.Duration {
	return max(5*p.cfg.GossipProbeInterval, time.Second)
}

// rejoinLoop joins, at start and then every rejoinInterval, the remembered
// addresses of the raft servers this peer's gossip does not see alive. It
// runs beside the main loop because memberlist's Join may block on a dial
// for its TCP timeout.
func (p *Peer) rejoinLoop(ctx context.Context) {
	defer p.wg.Done()
	t := time.NewTicker(p.rejoinInterval())
	defer t.Stop()
	for {
		p.rejoinMissing()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (p *Peer) rejoinMissing() {
	addrs := p.known.addrsOf(p.missingServers())
	if len(addrs) == 0 {
		return
	}
	n, err := p.ml.Join(addrs)
	if n > 0 {
		p.logger.Info("rejoined gossip through remembered peers", "contacted", n)
	} else {
		p.logger.Debug("rejoin gossip", "addrs", addrs, "err", err)
	}
}

// missingServers are the raft servers, other than this peer, that gossip
// does not see alive.
func (p *Peer) missingServers() []string {
	f := p.raft.GetConfiguration()
	if f.Error() != nil {
		return nil
	}
	alive := map[string]bool{}
	for _, m := range p.view.list() {
		if m.Status == MemberAlive {
			alive[m.Meta.PeerID] = true
		}
	}
	var out []string
	for _, s := range f.Configuration().Servers {
		if id := string(s.ID); id != p.cfg.PeerID && !alive[id] {
			out = append(out, id)
		}
	}
	return out
}

// rememberMembers persists the gossip view's addresses (called by the loop
// on membership events and sweeps).
func (p *Peer) rememberMembers() {
	if err := p.known.remember(p.cfg.PeerID, p.view.list()); err != nil {
		p.logger.Warn("remember gossip peers", "err", err)
	}
}
