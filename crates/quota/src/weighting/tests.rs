//! Unit tests of the scheme enum, manual weights and the shared entry point. Published worked
//! examples are in `tests/weighting_published.rs`, the numpy cross-check on the bundled data
//! in `tests/weighting_reference.rs`, properties in `tests/weighting_properties.rs`.

use super::*;

fn matrix(names: &[&str], rows: &[&[f64]]) -> IndicatorMatrix {
    IndicatorMatrix::new(
        names.iter().map(|s| s.to_string()).collect(),
        (0..rows.len()).map(|i| format!("u{i}")).collect(),
        rows.iter().map(|r| r.to_vec()).collect(),
    )
    .unwrap()
}

#[test]
fn scheme_names_and_aliases_round_trip() {
    for s in Scheme::ALL {
        assert_eq!(s.name().parse::<Scheme>().unwrap(), s);
        for a in s.aliases() {
            assert_eq!(a.parse::<Scheme>().unwrap(), s, "{a}");
        }
    }
    assert_eq!(" Entropy ".parse::<Scheme>().unwrap(), Scheme::Entropy);
    assert_eq!("熵权法".parse::<Scheme>().unwrap(), Scheme::Entropy);
    let e = "topsis".parse::<Scheme>().unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown weighting scheme 'topsis'; valid schemes: equal, manual, entropy, critic, cv, ahp, pca"
    );
}

#[test]
fn equal_and_manual() {
    let m = matrix(&["a", "b", "c", "d"], &[&[1.0, 2.0, 3.0, 4.0], &[2.0, 2.0, 2.0, 2.0]]);
    let w = derive(Scheme::Equal, &m, &DeriveOptions::default()).unwrap();
    assert_eq!(w.weights, vec![0.25; 4]);

    let given = vec![("D".to_string(), 1.0), ("a".into(), 2.0), ("b".into(), 0.0), ("c".into(), 1.0)];
    let opts = DeriveOptions { manual: Some(given), ..Default::default() };
    let w = derive(Scheme::Manual, &m, &opts).unwrap();
    assert_eq!(w.weights, vec![0.5, 0.0, 0.25, 0.25]);
    assert_eq!(w.get("d"), Some(0.25));
}

#[test]
fn manual_weights_errors_name_the_indicator() {
    let names: Vec<String> = vec!["a".into(), "b".into()];
    let e = manual(&names, &[("a".into(), 1.0)]).unwrap_err();
    assert_eq!(e.to_string(), "no manual weight for indicator 'b'");
    let e = manual(&names, &[("a".into(), 1.0), ("x".into(), 1.0)]).unwrap_err();
    assert_eq!(e.to_string(), "manual weight for unknown indicator 'x' (the indicators are: a, b)");
    let e = manual(&names, &[("a".into(), -1.0), ("b".into(), 1.0)]).unwrap_err();
    assert!(matches!(e, WeightingError::ManualBadWeight { .. }));
    let e = manual(&names, &[("a".into(), 0.0), ("b".into(), 0.0)]).unwrap_err();
    assert_eq!(e, WeightingError::ManualAllZero);
    let e =
        derive(Scheme::Manual, &matrix(&["a"], &[&[1.0], &[2.0]]), &DeriveOptions::default()).unwrap_err();
    assert!(e.to_string().starts_with("the manual method needs"), "{e}");
}

#[test]
fn constant_indicators_are_refused_by_data_driven_schemes_only() {
    let m = matrix(&["a", "flat"], &[&[1.0, 5.0], &[2.0, 5.0], &[4.0, 5.0]]);
    for s in [Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca] {
        let e = derive(s, &m, &DeriveOptions::default()).unwrap_err();
        assert_eq!(
            e,
            WeightingError::ConstantIndicator { indicator: "flat".into(), value: 5.0, scheme: s },
            "{s}"
        );
        assert!(e.to_string().contains("no variance"), "{e}");
    }
    assert!(derive(Scheme::Equal, &m, &DeriveOptions::default()).is_ok());
    // All zeros is constant too (and would be 0/0 in the entropy shares).
    let z = matrix(&["a", "zero"], &[&[1.0, 0.0], &[2.0, 0.0]]);
    assert!(matches!(
        derive(Scheme::Entropy, &z, &DeriveOptions::default()),
        Err(WeightingError::ConstantIndicator { .. })
    ));
}

#[test]
fn critic_refuses_perfectly_correlated_indicators_and_handles_one() {
    let m = matrix(&["a", "b"], &[&[1.0, 10.0], &[2.0, 20.0], &[3.0, 30.0]]);
    assert_eq!(
        derive(Scheme::Critic, &m, &DeriveOptions::default()),
        Err(WeightingError::PerfectlyCorrelated)
    );
    let one = matrix(&["a"], &[&[1.0], &[3.0]]);
    for s in [Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca] {
        assert_eq!(derive(s, &one, &DeriveOptions::default()).unwrap().weights, vec![1.0], "{s}");
    }
}

#[test]
fn cv_matches_a_hand_computation() {
    // a: 1, 2, 3 → mean 2, σ = √(2/3), cv = √(2/3)/2; b: 2, 2, 8 → mean 4, σ = √8, cv = √8/4.
    let m = matrix(&["a", "b"], &[&[1.0, 2.0], &[2.0, 2.0], &[3.0, 8.0]]);
    let w = derive(Scheme::Cv, &m, &DeriveOptions::default()).unwrap();
    let (va, vb) = ((2.0f64 / 3.0).sqrt() / 2.0, 8f64.sqrt() / 4.0);
    assert!((w.weights[0] - va / (va + vb)).abs() < 1e-15, "{:?}", w.weights);
}

#[test]
fn pca_keep_rules_and_tied_eigenvalues() {
    assert_eq!("kaiser".parse::<PcaKeep>().unwrap(), PcaKeep::Kaiser);
    assert_eq!("2".parse::<PcaKeep>().unwrap(), PcaKeep::Count(2));
    assert_eq!("variance:0.85".parse::<PcaKeep>().unwrap(), PcaKeep::Variance(0.85));
    assert!("variance:1.5".parse::<PcaKeep>().is_err() && "count:0".parse::<PcaKeep>().is_err());

    // Two uncorrelated indicators: R = I, λ = 1, 1 — nothing above 1, one kept, tie warned.
    let m = matrix(&["a", "b"], &[&[1.0, 1.0], &[3.0, 1.0], &[1.0, 3.0], &[3.0, 3.0]]);
    let w = derive(Scheme::Pca, &m, &DeriveOptions::default()).unwrap();
    let Diagnostics::Pca { kept, .. } = &w.diagnostics else { unreachable!() };
    assert_eq!(*kept, 1);
    assert!(matches!(w.warnings[..], [Warning::TiedEigenvalues { .. }]), "{:?}", w.warnings);
    let opts = DeriveOptions { pca_keep: PcaKeep::Count(3), ..Default::default() };
    assert!(matches!(derive(Scheme::Pca, &m, &opts), Err(WeightingError::BadOption { .. })));
}

#[test]
fn ahp_through_derive_follows_the_indicator_order() {
    let m = matrix(&["a", "b"], &[&[1.0, 2.0], &[2.0, 1.0]]);
    let pm = parse_ahp_csv("x,b,a\nb,1,3\na,,1\n", crate::error::Location::file("m.csv")).unwrap();
    let opts = DeriveOptions { ahp: Some(pm), ..Default::default() };
    let w = derive(Scheme::Ahp, &m, &opts).unwrap();
    assert_eq!(w.names, ["a", "b"]);
    assert!((w.weights[0] - 0.25).abs() < 1e-15 && (w.weights[1] - 0.75).abs() < 1e-15);
    let e = derive(Scheme::Ahp, &m, &DeriveOptions::default()).unwrap_err();
    assert!(e.to_string().starts_with("the ahp method needs a pairwise-comparison matrix"), "{e}");
}

#[test]
fn table_lists_per_indicator_diagnostics() {
    let m = matrix(&["a", "b"], &[&[1.0, 2.0], &[2.0, 2.5], &[4.0, 2.0]]);
    let t = derive(Scheme::Entropy, &m, &DeriveOptions::default()).unwrap().table();
    assert_eq!(t.columns, ["weight", "entropy", "divergence"]);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].1.len(), 3);
    assert_eq!(t.summary[0], ("scheme".to_string(), "entropy".to_string()));
}
