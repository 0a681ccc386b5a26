//! The fast exact path: box bounds, the total and *laminar* groups (any two groups are
//! disjoint or one contains the other — regions, a union of regions, a province inside it).
//!
//! The groups form a tree: the root holds every unit and exactly N slots; each group node
//! holds its members; leaves are units. A node's feasible range is
//! `L_v = max(lo_v, Σ_c L_c)`, `H_v = min(hi_v, Σ_c H_c)`, and the problem is feasible iff
//! `L_v ≤ H_v` at every node (a target in `[L_v, H_v]` can always be split among children in
//! their ranges) — so the feasibility check is exact and names the node that fails.
//!
//! Optimality. Box bounds, the total and laminar bounds on sums define an M-convex set of
//! integer points, and a separable convex objective on it is M-convex (laminar convex
//! functions are M♮-convex: Murota, *Discrete Convex Analysis*, SIAM 2003, §6.3 and Note 6.11).
//! For an M-convex function a point is a global minimum iff no exchange `x + e_i − e_j`
//! improves it (ibid., Theorem 6.26). The tie-break keys make the objective a real separable
//! convex function (see [`objective`](super::objective)), so the exchange-optimal point is also
//! the unique minimiser under the tie-break. The solver therefore (1) builds a feasible start
//! close to the optimum by a top-down proportional split, then (2) applies improving exchanges
//! until none is left, finding the best exchange at every tree node from the best increment
//! and the best decrement of each child subtree. Reference for greedy resource allocation under
//! nested constraints: Hochbaum, "Lower and upper bounds for the allocation problem and other
//! nonlinear optimization problems", *Math. Oper. Res.* 19 (1994) 390–409.
//!
//! Minimax (not separable) is solved by a search for the smallest feasible level over the same
//! feasibility check, then the chi-square tie-break inside the boxes of the optimal level
//! ([`minimax`]).

use super::model::Model;
use super::objective::{floor_fast, Costs, Key};

mod minimax;
#[cfg(test)]
mod minimax_reference;
#[cfg(test)]
mod minimax_tests;

const ROOT_PARENT: usize = usize::MAX;

/// The best increment (or decrement) of a child subtree: its key, the leaf, the child.
type Claim = Option<(Key, usize, usize)>;

/// Buffers of one solve, reusable across solves on the same tree (sweeps).
#[derive(Debug, Default, Clone)]
pub(crate) struct Work {
    target: Vec<u64>,
    fixed: Vec<bool>,
    by_gap: Vec<(f64, usize)>,
    gain: Vec<Option<(Key, usize)>>,
    loss: Vec<Option<(Key, usize)>>,
    found: Vec<Option<(usize, usize)>>,
    dirty: Vec<bool>,
    l: Vec<u64>,
    h: Vec<u64>,
    rel: Vec<f64>,
    blo: Vec<u64>,
    bhi: Vec<u64>,
    zlo: Vec<u64>,
    zhi: Vec<u64>,
    /// Minimax: each unit's candidate levels above and below its quota, and the candidates
    /// collected for the final selection search.
    sides: Vec<[minimax::Side; 2]>,
    cands: Vec<f64>,
    /// The tests' previous minimax optimum (a warm start, as in a sweep).
    #[cfg(test)]
    last_minimax: Vec<u64>,
}

/// Why the fast path does not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NotLaminar {
    /// A custom constraint (by item index).
    Custom(usize),
    /// Two groups (by group index) that overlap without nesting.
    Overlap(usize, usize),
}

/// The group tree of a laminar model.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    n: usize,
    parent: Vec<usize>,
    children: Vec<Vec<usize>>,
    /// Internal nodes, children before parents, the root last.
    post: Vec<usize>,
    /// Own bounds of internal nodes (indexed by node; leaf entries unused).
    own_lo: Vec<u64>,
    own_hi: Vec<u64>,
    /// Internal node → row index in the model (`None` for the root).
    row: Vec<Option<usize>>,
    /// Σ q over a node's units (proportional start).
    qsum: Vec<f64>,
}

impl Tree {
    /// The tree of `model`'s rows, or why there is none.
    pub fn build(model: &Model, ideal: &[f64]) -> Result<Tree, NotLaminar> {
        if let Some(c) = model.customs.first() {
            return Err(NotLaminar::Custom(c.item));
        }
        let n = model.len();
        let r = model.rows.len();
        let words = n.div_ceil(64).max(1);
        let sets: Vec<Vec<u64>> = model
            .rows
            .iter()
            .map(|row| {
                let mut s = vec![0u64; words];
                for &i in &row.members {
                    s[i / 64] |= 1 << (i % 64);
                }
                s
            })
            .collect();
        let size: Vec<usize> = model.rows.iter().map(|row| row.members.len()).collect();
        for a in 0..r {
            for b in a + 1..r {
                let common: usize =
                    sets[a].iter().zip(&sets[b]).map(|(x, y)| (x & y).count_ones() as usize).sum();
                if common != 0 && common != size[a] && common != size[b] {
                    return Err(NotLaminar::Overlap(model.rows[a].group, model.rows[b].group));
                }
            }
        }
        // Larger sets first; among equal sets the earlier row is the parent.
        let mut order: Vec<usize> = (0..r).collect();
        order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(a.cmp(&b)));
        let root = n + r;
        let nodes = root + 1;
        let mut parent = vec![ROOT_PARENT; nodes];
        let contains = |b: usize, a: usize| sets[a].iter().zip(&sets[b]).all(|(x, y)| x & !y == 0);
        for (pa, &a) in order.iter().enumerate() {
            parent[n + a] = order[..pa].iter().rev().find(|&&b| contains(b, a)).map_or(root, |&b| n + b);
        }
        for (i, p) in parent.iter_mut().enumerate().take(n) {
            *p = order.iter().rev().find(|&&b| sets[b][i / 64] >> (i % 64) & 1 == 1).map_or(root, |&b| n + b);
        }
        let mut children = vec![Vec::new(); nodes];
        for v in 0..root {
            children[parent[v]].push(v);
        }
        let mut depth = vec![0usize; nodes];
        for &a in &order {
            depth[n + a] = if parent[n + a] == root { 1 } else { depth[parent[n + a]] + 1 };
        }
        let mut post: Vec<usize> = (n..nodes).collect();
        post.sort_by(|&a, &b| depth[b].cmp(&depth[a]).then(a.cmp(&b)));
        let mut own_lo = vec![0; nodes];
        let mut own_hi = vec![0; nodes];
        let mut row = vec![None; nodes];
        for (k, rw) in model.rows.iter().enumerate() {
            own_lo[n + k] = rw.lo;
            own_hi[n + k] = rw.hi;
            row[n + k] = Some(k);
        }
        own_lo[root] = model.total;
        own_hi[root] = model.total;
        let mut tree = Tree { n, parent, children, post, own_lo, own_hi, row, qsum: Vec::new() };
        let mut qsum = Vec::new();
        tree.qsum_into(ideal, &mut qsum);
        tree.qsum = qsum;
        Ok(tree)
    }

    /// Σ q over every node's units, for the ideal quotas `ideal` (the proportional start).
    pub fn qsum_into(&self, ideal: &[f64], qsum: &mut Vec<f64>) {
        qsum.clear();
        qsum.resize(self.nodes(), 0.0);
        qsum[..self.n].copy_from_slice(ideal);
        for &v in &self.post {
            qsum[v] = self.children[v].iter().map(|&c| qsum[c]).sum();
        }
    }

    pub fn nodes(&self) -> usize {
        self.parent.len()
    }

    pub fn root(&self) -> usize {
        self.parent.len() - 1
    }

    pub fn children(&self, v: usize) -> &[usize] {
        &self.children[v]
    }

    pub fn row(&self, v: usize) -> Option<usize> {
        self.row[v]
    }

    pub fn is_leaf(&self, v: usize) -> bool {
        v < self.n
    }

    pub fn own(&self, v: usize) -> (u64, u64) {
        (self.own_lo[v], self.own_hi[v])
    }

    /// Feasible ranges `[L_v, H_v]` of every node for leaf boxes `lo..hi`; `Err(v)` names the
    /// first node (leaves first, then deepest groups, the root last) with `L_v > H_v`.
    pub fn ranges(&self, lo: &[u64], hi: &[u64], l: &mut Vec<u64>, h: &mut Vec<u64>) -> Result<(), usize> {
        let nodes = self.nodes();
        l.clear();
        h.clear();
        l.extend_from_slice(lo);
        h.extend_from_slice(hi);
        l.resize(nodes, 0);
        h.resize(nodes, 0);
        if let Some(i) = (0..self.n).find(|&i| lo[i] > hi[i]) {
            return Err(i);
        }
        for &v in &self.post {
            let (mut sl, mut sh) = (0u64, 0u64);
            for &c in &self.children[v] {
                sl += l[c];
                sh += h[c];
            }
            l[v] = self.own_lo[v].max(sl);
            h[v] = self.own_hi[v].min(sh);
            if l[v] > h[v] {
                return Err(v);
            }
        }
        Ok(())
    }

    /// The optimum of the separable objective `costs` over leaf boxes `lo..hi` (which must be
    /// feasible: `ranges` returned `Ok` for them), into `x`.
    pub fn solve_separable(&self, lo: &[u64], hi: &[u64], costs: &Costs, x: &mut Vec<u64>) {
        self.solve_separable_with(lo, hi, &self.qsum, costs, x, &mut Work::default());
    }

    /// [`solve_separable`](Self::solve_separable) with the nodes' Σ q given and reused buffers.
    pub fn solve_separable_with(
        &self,
        lo: &[u64],
        hi: &[u64],
        qsum: &[f64],
        costs: &Costs,
        x: &mut Vec<u64>,
        work: &mut Work,
    ) {
        let (mut l, mut h) = (std::mem::take(&mut work.l), std::mem::take(&mut work.h));
        self.ranges(lo, hi, &mut l, &mut h).expect("feasible boxes");
        self.solve_in_ranges_with(&l, &h, qsum, costs, x, work);
        (work.l, work.h) = (l, h);
    }

    /// [`solve_separable`](Self::solve_separable) with the node ranges already computed by
    /// [`ranges`](Self::ranges) (which must have returned `Ok`).
    pub fn solve_in_ranges(&self, l: &[u64], h: &[u64], costs: &Costs, x: &mut Vec<u64>) {
        self.solve_in_ranges_with(l, h, &self.qsum, costs, x, &mut Work::default());
    }

    /// [`solve_in_ranges`](Self::solve_in_ranges) with the nodes' Σ q given (see
    /// [`qsum_into`](Self::qsum_into)) and reused buffers.
    pub fn solve_in_ranges_with(
        &self,
        l: &[u64],
        h: &[u64],
        qsum: &[f64],
        costs: &Costs,
        x: &mut Vec<u64>,
        work: &mut Work,
    ) {
        let mut target = std::mem::take(&mut work.target);
        target.clear();
        target.resize(self.nodes(), 0);
        target[self.root()] = self.own_lo[self.root()];
        for &v in self.post.iter().rev() {
            self.split(v, target[v], l, h, qsum, &mut target, &mut work.fixed, &mut work.by_gap);
        }
        x.clear();
        x.extend_from_slice(&target[..self.n]);
        self.exchange(x, &mut target, l, h, costs, work);
        work.target = target;
    }

    /// [`solve_in_ranges_with`](Self::solve_in_ranges_with) started from `start` instead of
    /// the proportional split — e.g. the optimum of a nearby sweep point. The exchanges end at
    /// the unique optimum from any feasible start (see the module documentation), so the start
    /// changes only the number of exchanges. Returns false, leaving `x` unspecified, when
    /// `start` is not feasible in these ranges (the caller then solves from the split).
    pub fn solve_from_with(
        &self,
        l: &[u64],
        h: &[u64],
        start: &[u64],
        costs: &Costs,
        x: &mut Vec<u64>,
        work: &mut Work,
    ) -> bool {
        let mut cur = std::mem::take(&mut work.target);
        cur.clear();
        cur.extend_from_slice(start);
        cur.resize(self.nodes(), 0);
        for &v in &self.post {
            cur[v] = self.children[v].iter().map(|&c| cur[c]).sum();
        }
        let feasible = start.len() == self.n && (0..self.nodes()).all(|v| l[v] <= cur[v] && cur[v] <= h[v]);
        if feasible {
            x.clear();
            x.extend_from_slice(start);
            self.exchange(x, &mut cur, l, h, costs, work);
        }
        work.target = cur;
        feasible
    }

    /// Splits node v's target among its children in proportion to their ideal quotas, clamped
    /// to their ranges (a start close to the optimum; only the running time depends on it).
    #[allow(clippy::too_many_arguments)]
    fn split(
        &self,
        v: usize,
        t: u64,
        l: &[u64],
        h: &[u64],
        qsum: &[f64],
        target: &mut [u64],
        fixed: &mut Vec<bool>,
        by_gap: &mut Vec<(f64, usize)>,
    ) {
        let cs = &self.children[v];
        // `fixed[k]`: child k sits at a bound of its range.
        fixed.clear();
        fixed.resize(cs.len(), false);
        let mut scale = 0.0;
        for _ in 0..=cs.len() {
            let (mut rest, mut free_q) = (t as f64, 0.0);
            for (k, &c) in cs.iter().enumerate() {
                if fixed[k] {
                    rest -= target[c] as f64;
                } else {
                    free_q += qsum[c];
                }
            }
            scale = if free_q > 0.0 { rest / free_q } else { 0.0 };
            let mut changed = false;
            for (k, &c) in cs.iter().enumerate() {
                if fixed[k] {
                    continue;
                }
                let e = qsum[c] * scale;
                if e <= l[c] as f64 {
                    (fixed[k], target[c], changed) = (true, l[c], true);
                } else if e >= h[c] as f64 {
                    (fixed[k], target[c], changed) = (true, h[c], true);
                }
            }
            if !changed {
                break;
            }
        }
        let mut sum = 0u64;
        for (k, &c) in cs.iter().enumerate() {
            if !fixed[k] {
                target[c] = (floor_fast(qsum[c] * scale).max(0.0) as u64).clamp(l[c], h[c]);
            }
            sum += target[c];
        }
        // Repair the sum one slot per child and pass, largest shortfall first.
        let gap = |k: usize, target: &[u64]| qsum[cs[k]] * scale - target[cs[k]] as f64;
        while sum != t {
            // Largest gap first, then the child listed first (a total order: the sort is
            // determined).
            by_gap.clear();
            by_gap.extend((0..cs.len()).map(|k| (gap(k, target), k)));
            by_gap.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let before = sum;
            if sum < t {
                for &(_, k) in by_gap.iter() {
                    if sum < t && target[cs[k]] < h[cs[k]] {
                        target[cs[k]] += 1;
                        sum += 1;
                    }
                }
            } else {
                for &(_, k) in by_gap.iter().rev() {
                    if sum > t && target[cs[k]] > l[cs[k]] {
                        target[cs[k]] -= 1;
                        sum -= 1;
                    }
                }
            }
            assert_ne!(sum, before, "a target within the node's range can be split");
        }
    }

    /// Improving exchanges until none is left. `cur` holds every node's current sum.
    ///
    /// Every node keeps the best increment and decrement of its subtree (for its parent) and
    /// the best improving exchange between two of its children, if any. An exchange changes
    /// only the two leaves and their ancestors, so only those are recomputed.
    fn exchange(&self, x: &mut [u64], cur: &mut [u64], l: &[u64], h: &[u64], costs: &Costs, work: &mut Work) {
        let nodes = self.nodes();
        let Work { gain, loss, found, dirty, .. } = work;
        for v in [&mut *gain, &mut *loss] {
            v.clear();
            v.resize(nodes, None);
        }
        found.clear();
        found.resize(nodes, None);
        dirty.clear();
        dirty.resize(nodes, true);
        let (gain, loss, found, dirty) = (&mut gain[..], &mut loss[..], &mut found[..], &mut dirty[..]);
        for i in 0..self.n {
            self.leaf(i, x, l, h, costs, gain, loss);
        }
        loop {
            for &v in &self.post {
                if dirty[v] {
                    found[v] = self.node(v, cur, l, h, gain, loss);
                    dirty[v] = false;
                }
            }
            let Some((i, j)) = self.post.iter().find_map(|&v| found[v]) else { break };
            x[i] += 1;
            x[j] -= 1;
            self.leaf(i, x, l, h, costs, gain, loss);
            self.leaf(j, x, l, h, costs, gain, loss);
            let (mut a, mut b) = (self.parent[i], self.parent[j]);
            while a != ROOT_PARENT {
                cur[a] += 1;
                dirty[a] = true;
                a = self.parent[a];
            }
            while b != ROOT_PARENT {
                cur[b] -= 1;
                dirty[b] = true;
                b = self.parent[b];
            }
            cur[i] += 1;
            cur[j] -= 1;
        }
    }

    /// A leaf's next increment and last decrement.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn leaf(
        &self,
        i: usize,
        x: &[u64],
        l: &[u64],
        h: &[u64],
        costs: &Costs,
        gain: &mut [Option<(Key, usize)>],
        loss: &mut [Option<(Key, usize)>],
    ) {
        gain[i] = (x[i] < h[i]).then(|| (costs.key(i, x[i]), i));
        loss[i] = (x[i] > l[i]).then(|| (costs.key(i, x[i] - 1), i));
    }

    /// Recomputes node v from its children: its best increment and decrement (if its own
    /// range allows) and the best improving exchange between two different children.
    fn node(
        &self,
        v: usize,
        cur: &[u64],
        l: &[u64],
        h: &[u64],
        gain: &mut [Option<(Key, usize)>],
        loss: &mut [Option<(Key, usize)>],
    ) -> Option<(usize, usize)> {
        let (mut g1, mut g2): (Claim, Claim) = (None, None);
        let (mut l1, mut l2): (Claim, Claim) = (None, None);
        for &c in &self.children[v] {
            if let Some((k, leaf)) = gain[c] {
                if g1.is_none_or(|b| k.better_than(&b.0)) {
                    g2 = g1;
                    g1 = Some((k, leaf, c));
                } else if g2.is_none_or(|b| k.better_than(&b.0)) {
                    g2 = Some((k, leaf, c));
                }
            }
            if let Some((k, leaf)) = loss[c] {
                if l1.is_none_or(|b| b.0.better_than(&k)) {
                    l2 = l1;
                    l1 = Some((k, leaf, c));
                } else if l2.is_none_or(|b| b.0.better_than(&k)) {
                    l2 = Some((k, leaf, c));
                }
            }
        }
        gain[v] = if cur[v] < h[v] { g1.map(|g| (g.0, g.1)) } else { None };
        loss[v] = if cur[v] > l[v] { l1.map(|s| (s.0, s.1)) } else { None };
        let improving = |g: Claim, s: Claim| match (g, s) {
            (Some(g), Some(s)) if g.2 != s.2 && g.0.better_than(&s.0) => Some((g.1, s.1)),
            _ => None,
        };
        improving(g1, l1).or_else(|| improving(g1, l2)).or_else(|| improving(g2, l1))
    }
}
