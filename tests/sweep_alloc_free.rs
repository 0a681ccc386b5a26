//! The optimisation model inside sweeps allocates nothing once a worker's buffers have grown:
//! a counting global allocator watches this thread while the guarantee scenario (L1, then
//! minimax) is evaluated at a thousand weightings, after a short warm-up.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

use quota::scenario::Scenario;
use quota::sweep::eval::{Columns, Evaluator, Rule};
use quota::sweep::Space;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// Weights of step k: a walk over the simplex that changes every scenario.
fn weights(k: usize) -> [f64; 3] {
    let a = (k as f64 * 0.618_033_988_75).fract();
    let b = (k as f64 * 0.414_213_562_37).fract();
    let (x, y, z) = (0.2 + 0.6 * a, 0.2 + 0.6 * b, 0.5);
    let s = x + y + z;
    [x / s, y / s, z / s]
}

#[test]
fn the_optimisation_model_allocates_nothing_per_scenario() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios");
    for (file, objective) in
        [("2024-batch1-guarantees.toml", "l1"), ("2024-batch1-guarantees-minimax.toml", "minimax")]
    {
        let s = Scenario::from_path(&data.join(file)).unwrap();
        let space = Space::new(&s);
        let rule = Rule::of(&s);
        assert_eq!(rule.to_string(), format!("optimize ({objective})"));
        let ev = Evaluator::new(&s, &rule, &space.base).unwrap();
        let mut ws = ev.workspace(&space.base);
        for k in 0..50 {
            ws.params.weights.copy_from_slice(&weights(k));
            ev.evaluate(&mut ws, Columns::Scenario);
        }
        let (mut solved, mut changed, mut last) = (0, 0, Vec::with_capacity(64));
        let before = allocations();
        for k in 50..1050 {
            ws.params.weights.copy_from_slice(&weights(k));
            if ev.evaluate(&mut ws, Columns::Scenario) {
                solved += 1;
                changed += usize::from(ws.slots != last);
                last.clear();
                last.extend_from_slice(&ws.slots);
            }
        }
        let during = allocations() - before;
        assert_eq!(during, 0, "{file}: {during} allocations in 1,000 scenarios");
        // The scenarios are solved and differ from one another (the test watches real work).
        assert!(solved > 900 && changed > 500, "{file}: {solved} solved, {changed} changed");
    }
}
