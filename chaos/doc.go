// Package chaos injects network faults between miroir peers and holds the
// chaos suite (harness, history and checkers, workload, scenarios live in
// sub-packages).
//
// The faults are decorators of the two transports a peer uses to talk to
// other peers: raft's StreamLayer (NewFaultyStreamLayer) and memberlist's
// NodeAwareTransport (NewFaultyTransport). Both consult one Rules table per
// process, which the harness sets through a small control server
// (NewControlServer, enabled by `miroir serve --chaos-control <addr>`). With
// no rules set, or without the flag, traffic passes untouched.
//
// Every fault is applied by the sender of the traffic: the dialer of a raft
// or memberlist TCP stream, the writer of a gossip packet. Since every peer
// of a chaos run carries the decorators, each direction of each link is
// judged exactly once, and a peer never has to learn who dialed it. A TCP
// stream needs both directions (a real one-way filter breaks the handshake
// and the acknowledgements), so a stream is cut when either direction is
// blocked; gossip packets honour one-way rules exactly.
//
// A binary enables it with one flag (cmd/miroir serve):
//
//	if cfg.ChaosControl != "" { // --chaos-control <addr>
//		hooks, stop, err := chaos.Enable(ctx, cfg.ChaosControl, logger)
//		if err != nil {
//			return err
//		}
//		defer stop()
//		tune = append(tune, hooks) // applied to cluster.Config before cluster.New
//	}
//
// Without the flag nothing here runs: it only exists to break things.
package chaos
