//! Runs the library tour (`examples/tour.rs`) as a test, so the example cannot rot.

#[path = "../examples/tour.rs"]
mod tour;

#[test]
fn the_library_tour_runs() {
    tour::main().expect("the tour runs on the bundled scenario");
}
