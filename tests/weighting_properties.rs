//! Properties of the weighting schemes on random indicator matrices and pairwise matrices.

// Index loops read like the matrix formulas they build (a_ij, a_ji).
#![allow(clippy::needless_range_loop)]

use proptest::prelude::*;
use quota::weighting::{
    ahp, derive, AhpMethod, DeriveOptions, Diagnostics, IndicatorMatrix, PairwiseMatrix, Scheme,
    WeightingError,
};

const DATA_DRIVEN: [Scheme; 4] = [Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca];

/// 3–12 units × 1–5 indicators, values 0–1000 with two decimals (counts and scores).
fn indicator_matrix() -> impl Strategy<Value = IndicatorMatrix> {
    (3usize..=12, 1usize..=5).prop_flat_map(|(m, n)| {
        proptest::collection::vec(proptest::collection::vec(0u32..=100_000, n), m).prop_map(move |rows| {
            IndicatorMatrix::new(
                (0..n).map(|j| format!("i{j}")).collect(),
                (0..m).map(|i| format!("u{i}")).collect(),
                rows.into_iter().map(|r| r.into_iter().map(|v| f64::from(v) / 100.0).collect()).collect(),
            )
            .unwrap()
        })
    })
}

fn close(a: &[f64], b: &[f64], tolerance: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tolerance)
}

/// Same outcome: both succeed with weights within `tolerance`, or both fail with the same error.
fn same(
    a: &Result<quota::weighting::Weights, WeightingError>,
    b: &Result<quota::weighting::Weights, WeightingError>,
    tolerance: f64,
) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => close(&x.weights, &y.weights, tolerance),
        (Err(x), Err(y)) => std::mem::discriminant(x) == std::mem::discriminant(y),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Entropy, CRITIC and CV (and PCA, on the correlation matrix) do not care about the unit
    /// of an indicator: multiplying it by c > 0 (件 → 万件, 元 → 万元) leaves every weight
    /// unchanged.
    #[test]
    fn weights_are_invariant_to_rescaling_an_indicator(
        m in indicator_matrix(),
        pick in any::<prop::sample::Index>(),
        exponent in -3.0f64..3.0,
    ) {
        let j = pick.index(m.n_indicators());
        let scaled = m.scaled(j, 10f64.powf(exponent)).unwrap();
        for scheme in DATA_DRIVEN {
            let a = derive(scheme, &m, &DeriveOptions::default());
            let b = derive(scheme, &scaled, &DeriveOptions::default());
            // PCA near a tie (|λ_k − λ_l| tiny) amplifies rounding; 1e-7 is still far below any
            // difference that could move a slot.
            let tolerance = if scheme == Scheme::Pca { 1e-7 } else { 1e-9 };
            prop_assert!(same(&a, &b, tolerance), "{scheme}: {a:?} vs {b:?}");
        }
    }

    /// Every result is a distribution over the indicators (finite, ≥ 0, sum 1), or a named
    /// error — never NaN.
    #[test]
    fn weights_are_a_distribution_or_a_clear_error(m in indicator_matrix()) {
        for scheme in DATA_DRIVEN.into_iter().chain([Scheme::Equal]) {
            match derive(scheme, &m, &DeriveOptions::default()) {
                Ok(w) => {
                    prop_assert_eq!(w.weights.len(), m.n_indicators());
                    prop_assert!(w.weights.iter().all(|x| x.is_finite() && *x >= 0.0), "{scheme}: {:?}", w.weights);
                    prop_assert!((w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
                }
                Err(e) => prop_assert!(
                    matches!(e, WeightingError::ConstantIndicator { .. } | WeightingError::PerfectlyCorrelated),
                    "{scheme}: {e}"
                ),
            }
        }
    }

    /// The order of the units does not matter.
    #[test]
    fn weights_do_not_depend_on_unit_order(m in indicator_matrix(), seed in any::<u64>()) {
        let mut order: Vec<usize> = (0..m.n_units()).collect();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..order.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            order.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let shuffled = IndicatorMatrix::new(
            m.names().to_vec(),
            order.iter().map(|&i| m.units()[i].clone()).collect(),
            order.iter().map(|&i| m.values()[i].clone()).collect(),
        ).unwrap();
        for scheme in DATA_DRIVEN {
            let a = derive(scheme, &m, &DeriveOptions::default());
            let b = derive(scheme, &shuffled, &DeriveOptions::default());
            prop_assert!(same(&a, &b, 1e-9), "{scheme}: {a:?} vs {b:?}");
        }
    }

    /// AHP on a consistent matrix a_ij = w_i / w_j recovers w with CR = 0, by both methods.
    #[test]
    fn ahp_recovers_the_weights_of_a_consistent_matrix(raw in proptest::collection::vec(1u32..=9, 2..=10)) {
        // Keep every ratio within Saaty's 1/9 … 9.
        let (lo, hi) = (*raw.iter().min().unwrap(), *raw.iter().max().unwrap());
        prop_assume!(hi <= 9 * lo);
        let sum: u32 = raw.iter().sum();
        let w: Vec<f64> = raw.iter().map(|&x| f64::from(x) / f64::from(sum)).collect();
        let n = w.len();
        let a = (0..n).map(|i| (0..n).map(|j| w[i] / w[j]).collect()).collect();
        let pm = PairwiseMatrix::new((0..n).map(|j| format!("c{j}")).collect(), a).unwrap();
        for method in [AhpMethod::Eigenvector, AhpMethod::GeometricMean] {
            let r = ahp(&pm, method, false).unwrap();
            prop_assert!(close(&r.weights, &w, 1e-12), "{method}: {:?} vs {w:?}", r.weights);
            let Diagnostics::Ahp(d) = &r.diagnostics else { unreachable!() };
            prop_assert!(d.cr.abs() < 1e-12 && d.consistent);
        }
    }

    /// Reversing every judgement (Aᵀ) inverts the geometric-mean weights exactly
    /// (w_i(Aᵀ) ∝ 1 / w_i(A)), and leaves λmax and CR unchanged (Aᵀ has A's eigenvalues).
    #[test]
    fn reversed_judgements_invert_geometric_mean_weights(
        upper in proptest::collection::vec(prop::sample::select(vec![1.0/9.0, 0.2, 1.0/3.0, 0.5, 1.0, 2.0, 3.0, 5.0, 9.0]), 10)
    ) {
        let n = 5;
        let mut a = vec![vec![1.0; n]; n];
        let mut k = 0;
        for i in 0..n {
            for j in i + 1..n {
                a[i][j] = upper[k];
                a[j][i] = 1.0 / upper[k];
                k += 1;
            }
        }
        let names: Vec<String> = (0..n).map(|j| format!("c{j}")).collect();
        let t: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| a[j][i]).collect()).collect();
        let forward = ahp(&PairwiseMatrix::new(names.clone(), a).unwrap(), AhpMethod::GeometricMean, true).unwrap();
        let reverse = ahp(&PairwiseMatrix::new(names, t).unwrap(), AhpMethod::GeometricMean, true).unwrap();
        let inv: Vec<f64> = forward.weights.iter().map(|w| 1.0 / w).collect();
        let s: f64 = inv.iter().sum();
        let expected: Vec<f64> = inv.iter().map(|x| x / s).collect();
        prop_assert!(close(&reverse.weights, &expected, 1e-12));
        let (Diagnostics::Ahp(f), Diagnostics::Ahp(r)) = (&forward.diagnostics, &reverse.diagnostics) else { unreachable!() };
        prop_assert!((f.lambda_max - r.lambda_max).abs() < 1e-9 && (f.cr - r.cr).abs() < 1e-9);
    }
}
