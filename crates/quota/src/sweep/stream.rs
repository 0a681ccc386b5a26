//! The random stream of one Monte Carlo scenario, one ChaCha8 block at a time.
//!
//! [`ScenarioStream`] produces exactly the words of `rand_chacha`'s `ChaCha8Rng` with the run's
//! seed on stream k from its first word ([`scenario_rng`](super::montecarlo::scenario_rng)):
//! the same key, the 64-bit block counter and the 64-bit stream number in the last four state
//! words, the same 8 rounds, and `u64`s made of two consecutive words, the first low (as
//! `rand_core`'s block buffer reads them, also across a block boundary). It differs only in
//! the work: `ChaCha8Rng` computes four blocks (256 bytes) per refill and re-keys its stream
//! through a 16-byte state word by word, while a scenario uses 12–20 words; here a refill is
//! one block, and moving to another scenario's stream is three stores (tested word for word
//! against `ChaCha8Rng`, below).

use std::convert::Infallible;

use rand::TryRng;
use rand_chacha::ChaCha8Rng;

/// Words per ChaCha block.
const BLOCK: usize = 16;
/// "expand 32-byte k".
const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// ChaCha8 with a fixed key on a chosen stream, from its first word.
#[derive(Debug, Clone)]
pub struct ScenarioStream {
    /// The key (the seed as eight little-endian words): rows 1 and 2 of the state.
    key: [[u32; 4]; 2],
    stream: u64,
    /// The counter of the next block to compute.
    block: u64,
    buf: [u32; BLOCK],
    /// The next word of `buf` to read (`BLOCK`: none left).
    next: usize,
}

impl ScenarioStream {
    /// The generator with `base`'s seed, positioned at the start of stream 0.
    pub fn new(base: &ChaCha8Rng) -> ScenarioStream {
        let seed = base.get_seed();
        let word =
            |i: usize| u32::from_le_bytes([seed[4 * i], seed[4 * i + 1], seed[4 * i + 2], seed[4 * i + 3]]);
        ScenarioStream {
            key: [[word(0), word(1), word(2), word(3)], [word(4), word(5), word(6), word(7)]],
            stream: 0,
            block: 0,
            buf: [0; BLOCK],
            next: BLOCK,
        }
    }

    /// Moves to the first word of stream `stream` (what `set_word_pos(0)` then
    /// `set_stream(stream)` does to a `ChaCha8Rng`).
    #[inline]
    pub fn rewind_to(&mut self, stream: u64) {
        self.stream = stream;
        self.block = 0;
        self.next = BLOCK;
    }

    /// Computes the next block into `buf`.
    #[inline]
    fn refill(&mut self) {
        let d =
            [self.block as u32, (self.block >> 32) as u32, self.stream as u32, (self.stream >> 32) as u32];
        let init = [CONSTANTS, self.key[0], self.key[1], d];
        let mut x = init;
        for _ in 0..4 {
            double_round(&mut x);
        }
        for (r, (row, start)) in x.iter().zip(&init).enumerate() {
            for c in 0..4 {
                self.buf[4 * r + c] = row[c].wrapping_add(start[c]);
            }
        }
        self.block = self.block.wrapping_add(1);
        self.next = 0;
    }

    #[inline]
    fn word(&mut self) -> u32 {
        if self.next >= BLOCK {
            self.refill();
        }
        let w = self.buf[self.next];
        self.next += 1;
        w
    }

    #[inline]
    fn pair(&mut self) -> u64 {
        if self.next + 1 < BLOCK {
            let (lo, hi) = (self.buf[self.next], self.buf[self.next + 1]);
            self.next += 2;
            u64::from(hi) << 32 | u64::from(lo)
        } else {
            let lo = self.word();
            let hi = self.word();
            u64::from(hi) << 32 | u64::from(lo)
        }
    }
}

/// Element-wise on a state row (written so that the compiler keeps a row in one vector).
#[inline(always)]
fn add(a: [u32; 4], b: [u32; 4]) -> [u32; 4] {
    [a[0].wrapping_add(b[0]), a[1].wrapping_add(b[1]), a[2].wrapping_add(b[2]), a[3].wrapping_add(b[3])]
}

#[inline(always)]
fn xor_rotl<const K: u32>(a: [u32; 4], b: [u32; 4]) -> [u32; 4] {
    [
        (a[0] ^ b[0]).rotate_left(K),
        (a[1] ^ b[1]).rotate_left(K),
        (a[2] ^ b[2]).rotate_left(K),
        (a[3] ^ b[3]).rotate_left(K),
    ]
}

/// The four quarter rounds on the columns of the state rows a, b, c, d.
#[inline(always)]
fn quarter_rounds(x: &mut [[u32; 4]; 4]) {
    let [mut a, mut b, mut c, mut d] = *x;
    a = add(a, b);
    d = xor_rotl::<16>(d, a);
    c = add(c, d);
    b = xor_rotl::<12>(b, c);
    a = add(a, b);
    d = xor_rotl::<8>(d, a);
    c = add(c, d);
    b = xor_rotl::<7>(b, c);
    *x = [a, b, c, d];
}

/// A column round, then a diagonal round (the diagonals brought into columns and back).
#[inline(always)]
fn double_round(x: &mut [[u32; 4]; 4]) {
    quarter_rounds(x);
    let [a, b, c, d] = *x;
    *x = [a, [b[1], b[2], b[3], b[0]], [c[2], c[3], c[0], c[1]], [d[3], d[0], d[1], d[2]]];
    quarter_rounds(x);
    let [a, b, c, d] = *x;
    *x = [a, [b[3], b[0], b[1], b[2]], [c[2], c[3], c[0], c[1]], [d[1], d[2], d[3], d[0]]];
}

impl TryRng for ScenarioStream {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.word())
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.pair())
    }

    /// Whole words, little-endian; a last partial word is used up (as `rand_core`'s block
    /// buffer does).
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(4) {
            let w = self.word().to_le_bytes();
            chunk.copy_from_slice(&w[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::montecarlo::scenario_rng;
    use rand::{Rng, RngExt, SeedableRng};

    #[test]
    fn words_match_chacha8_on_every_stream() {
        for seed in [0u64, 7, 42, u64::MAX] {
            let base = ChaCha8Rng::seed_from_u64(seed);
            let mut ours = ScenarioStream::new(&base);
            for stream in [0u64, 1, 7, 4095, 1 << 32, u64::MAX] {
                // Leave the generator mid-block first.
                ours.next_u32();
                ours.rewind_to(stream);
                let mut theirs = scenario_rng(&base, stream);
                // Across several blocks and past rand_chacha's four-block buffer.
                for i in 0..300 {
                    assert_eq!(ours.next_u32(), theirs.next_u32(), "seed {seed} stream {stream} word {i}");
                }
            }
        }
    }

    #[test]
    fn pairs_and_bytes_match_chacha8_at_every_offset() {
        let base = ChaCha8Rng::seed_from_u64(3);
        for offset in 0..40 {
            let mut ours = ScenarioStream::new(&base);
            ours.rewind_to(9);
            let mut theirs = scenario_rng(&base, 9);
            for _ in 0..offset {
                assert_eq!(ours.next_u32(), theirs.next_u32());
            }
            // u64s straddle block boundaries at odd offsets.
            for i in 0..150 {
                assert_eq!(ours.next_u64(), theirs.next_u64(), "offset {offset} pair {i}");
            }
            let (mut a, mut b) = ([0u8; 7], [0u8; 7]);
            ours.fill_bytes(&mut a);
            theirs.fill_bytes(&mut b);
            assert_eq!(a, b, "offset {offset}");
            assert_eq!(ours.random::<f64>().to_bits(), theirs.random::<f64>().to_bits());
        }
    }
}
