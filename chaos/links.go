package chaos

import "time"

// Partition blocks every link between peers on different sides, in both
// directions. Peers on the same side still talk.
func Partition(sides ...[]string) []Link {
	var out []Link
	for i, a := range sides {
		for j, b := range sides {
			if i != j {
				out = append(out, OneWay(a, b)...)
			}
		}
	}
	return out
}

// OneWay blocks the traffic from every peer of from to every peer of to,
// and nothing in the other direction.
func OneWay(from, to []string) []Link {
	return each(from, to, Link{Drop: 1})
}

// Slow adds delay to the traffic from every peer of from to every peer of to.
func Slow(from, to []string, d time.Duration) []Link {
	return each(from, to, Link{Delay: Duration(d)})
}

// Lossy drops each packet, dial or stream write from from to to with
// probability p.
func Lossy(from, to []string, p float64) []Link {
	return each(from, to, Link{Drop: p})
}

func each(from, to []string, l Link) []Link {
	var out []Link
	for _, a := range from {
		for _, b := range to {
			if a != b {
				l.From, l.To = a, b
				out = append(out, l)
			}
		}
	}
	return out
}
