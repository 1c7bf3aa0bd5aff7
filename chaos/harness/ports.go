package harness

import (
	"fmt"
	"net"
)

// freePort returns a loopback port that is currently free for both TCP and
// UDP (memberlist listens on both with the same number). Another process may
// take it before ours binds; the window is small and a failed start says so in
// the process log.
func freePort() (int, error) {
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := ln.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		ln.Close()
		if err != nil {
			continue
		}
		pc.Close()
		return port, nil
	}
	return 0, fmt.Errorf("harness: no free tcp+udp port on 127.0.0.1")
}

// freeAddrs returns n distinct free loopback addresses.
func freeAddrs(n int) ([]string, error) {
	seen := map[int]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, fmt.Sprintf("127.0.0.1:%d", p))
	}
	return out, nil
}
