package textdiff

// The dynamic-programming LCS solves the differing middle of the texts
// directly when its table would have at most dpTop cells (about 4 MB), and
// parts found by splitting when at most dpInner cells. Myers' search is much
// faster than the table on similar texts, hence the smaller inner limit.
const (
	dpTop   = 1 << 20
	dpInner = 1 << 14
)

// costLimit is how many steps each way a middle-snake search takes before
// settling for the furthest point reached. Past it, running time grows
// linearly with the size of the texts rather than with the product of size
// and difference, at the price of a slightly longer diff for parts with
// more than about 2*costLimit differing tokens.
const costLimit = 256

// differ finds which tokens of a and b are not part of a longest common
// subsequence (or of a near-longest one, when the texts are very different).
type differ struct {
	a, b   []int
	ca, cb []bool  // ca[i]: a[i] is deleted; cb[j]: b[j] is inserted
	vf, vb []int   // furthest-reaching x per diagonal, forward and backward
	table  []int32 // reused dynamic-programming table
	// dpLimit is the largest part, in table cells, that lcs solves after
	// a split; dpInner except in tests.
	dpLimit int
	// costLimit is the constant costLimit except in tests.
	costLimit int
}

func newDiffer(a, b []int) *differ {
	n := len(a) + len(b) + 3
	return &differ{
		a: a, b: b,
		ca: make([]bool, len(a)), cb: make([]bool, len(b)),
		vf: make([]int, n), vb: make([]int, n),
		dpLimit:   dpInner,
		costLimit: costLimit,
	}
}

// compare marks the changed tokens of a[xoff:xlim] and b[yoff:ylim]. A
// differing middle part of at most dpLimit cells is solved by lcs.
func (d *differ) compare(xoff, xlim, yoff, ylim, dpLimit int) {
	for {
		// Common prefix and suffix are unchanged.
		for xoff < xlim && yoff < ylim && d.a[xoff] == d.b[yoff] {
			xoff++
			yoff++
		}
		for xoff < xlim && yoff < ylim && d.a[xlim-1] == d.b[ylim-1] {
			xlim--
			ylim--
		}
		switch {
		case xoff == xlim:
			mark(d.cb[yoff:ylim])
			return
		case yoff == ylim:
			mark(d.ca[xoff:xlim])
			return
		case (xlim-xoff+1)*(ylim-yoff+1) <= dpLimit:
			d.lcs(xoff, xlim, yoff, ylim)
			return
		}
		dpLimit = d.dpLimit
		x, y, ok := d.split(xoff, xlim, yoff, ylim)
		if !ok {
			// No useful split point; treat the whole part as replaced.
			mark(d.ca[xoff:xlim])
			mark(d.cb[yoff:ylim])
			return
		}
		// Recurse on the smaller half and loop on the larger one, which
		// keeps the stack shallow.
		if (x-xoff)+(y-yoff) < (xlim-x)+(ylim-y) {
			d.compare(xoff, x, yoff, y, dpLimit)
			xoff, yoff = x, y
		} else {
			d.compare(x, xlim, y, ylim, dpLimit)
			xlim, ylim = x, y
		}
	}
}

func mark(s []bool) {
	for i := range s {
		s[i] = true
	}
}

// lcs marks the changed tokens of a small part with a table of the lengths
// of longest common subsequences of its suffixes.
func (d *differ) lcs(xoff, xlim, yoff, ylim int) {
	a, b := d.a[xoff:xlim], d.b[yoff:ylim]
	n, m := len(a), len(b)
	w := m + 1
	size := (n + 1) * w
	if cap(d.table) < size {
		d.table = make([]int32, size)
	}
	t := d.table[:size]
	// t[i*w+j] is the LCS length of a[i:] and b[j:].
	for j := 0; j <= m; j++ {
		t[n*w+j] = 0
	}
	for i := n - 1; i >= 0; i-- {
		row, next := t[i*w:i*w+w], t[(i+1)*w:(i+1)*w+w]
		row[m] = 0
		for j := m - 1; j >= 0; j-- {
			switch {
			case a[i] == b[j]:
				row[j] = next[j+1] + 1
			case next[j] >= row[j+1]:
				row[j] = next[j]
			default:
				row[j] = row[j+1]
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			i++
			j++
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			d.ca[xoff+i] = true
			i++
		default:
			d.cb[yoff+j] = true
			j++
		}
	}
	mark(d.ca[xoff+i : xlim])
	mark(d.cb[yoff+j : ylim])
}

// split finds a point (x, y) on a shortest (or, past the cost limit, a
// short) edit path through a[xoff:xlim] and b[yoff:ylim], by running Myers'
// greedy search forwards from the start and backwards from the end until
// they meet. The point is strictly inside the part, so both halves are
// smaller; ok is false if no such point was found.
//
// Diagonals are numbered k = x - y in coordinates relative to (xoff, yoff),
// from -m to n. vf[k] is the largest x reached on diagonal k going forwards
// (-1 if not reached), vb[k] the smallest x reached going backwards (n+1 if
// not reached).
func (d *differ) split(xoff, xlim, yoff, ylim int) (x, y int, ok bool) {
	a, b := d.a[xoff:xlim], d.b[yoff:ylim]
	n, m := len(a), len(b)
	off := m + 1 // index of diagonal 0
	vf, vb := d.vf[:n+m+3], d.vb[:n+m+3]
	delta := n - m
	odd := delta&1 != 0
	// Only the diagonals flo..fhi of vf and blo..bhi of vb are initialised;
	// grow extends them, so that a search that stops early costs no more
	// than the steps it took.
	flo, fhi, blo, bhi := 0, 0, delta, delta
	grow := func(v []int, lo, hi *int, newLo, newHi, unset int) {
		newLo, newHi = max(newLo, -m-1), min(newHi, n+1)
		for ; *lo > newLo; *lo-- {
			v[off+*lo-1] = unset
		}
		for ; *hi < newHi; *hi++ {
			v[off+*hi+1] = unset
		}
	}
	vf[off] = 0
	vb[off+delta] = n
	// The starting points may begin with snakes; extend them first.
	for vf[off] < n && vf[off] < m && a[vf[off]] == b[vf[off]] {
		vf[off]++
	}
	for x := vb[off+delta]; x > 0 && x-delta > 0 && a[x-1] == b[x-delta-1]; x-- {
		vb[off+delta] = x - 1
	}
	inner := func(x, y int) bool { return (x > 0 || y > 0) && (x < n || y < m) }

	maxD := (n + m + 1) / 2
	for c := 1; c <= maxD; c++ {
		// Forward step c: diagonals -c..c of the parity of c, within -m..n.
		grow(vf, &flo, &fhi, -c-1, c+1, -1)
		for k := max(-c, -m); k <= min(c, n); k++ {
			if (k+c)&1 != 0 {
				continue
			}
			x := -1
			if k+1 <= n { // down from diagonal k+1: x stays, y grows
				if fx := vf[off+k+1]; fx >= 0 && fx-k <= m {
					x = fx
				}
			}
			if k-1 >= -m { // right from diagonal k-1: x grows
				if fx := vf[off+k-1]; fx >= 0 && fx+1 <= n && fx+1 > x {
					x = fx + 1
				}
			}
			if x < 0 {
				continue
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			vf[off+k] = x
			if odd && k >= delta-(c-1) && k <= delta+(c-1) && vb[off+k] <= x && inner(x, y) {
				return xoff + x, yoff + y, true
			}
		}
		// Backward step c: diagonals delta-c..delta+c, within -m..n.
		grow(vb, &blo, &bhi, delta-c-1, delta+c+1, n+1)
		for k := max(delta-c, -m); k <= min(delta+c, n); k++ {
			if (k-delta+c)&1 != 0 {
				continue
			}
			x := n + 1
			if k-1 >= -m { // up from diagonal k-1: x stays, y shrinks
				if bx := vb[off+k-1]; bx <= n && bx-k >= 0 {
					x = bx
				}
			}
			if k+1 <= n { // left from diagonal k+1: x shrinks
				if bx := vb[off+k+1]; bx <= n && bx-1 >= 0 && bx-1 < x {
					x = bx - 1
				}
			}
			if x > n {
				continue
			}
			y := x - k
			for x > 0 && y > 0 && a[x-1] == b[y-1] {
				x--
				y--
			}
			vb[off+k] = x
			if !odd && k >= -c && k <= c && vf[off+k] >= x && inner(x, y) {
				return xoff + x, yoff + y, true
			}
		}
		if c < d.costLimit {
			continue
		}
		// Too expensive: split at whichever search got further.
		fbest, fx := -1, 0
		for k := max(flo, -m); k <= min(fhi, n); k++ {
			if x := vf[off+k]; x >= 0 && x+x-k > fbest && inner(x, x-k) {
				fbest, fx = x+x-k, x
			}
		}
		bbest, bx := n+m+1, 0
		for k := max(blo, -m); k <= min(bhi, n); k++ {
			if x := vb[off+k]; x <= n && x+x-k < bbest && inner(x, x-k) {
				bbest, bx = x+x-k, x
			}
		}
		switch {
		case fbest >= 0 && (bbest > n+m || fbest >= n+m-bbest):
			return xoff + fx, yoff + fbest - fx, true
		case bbest <= n+m:
			return xoff + bx, yoff + bbest - bx, true
		}
		return 0, 0, false
	}
	return 0, 0, false
}
