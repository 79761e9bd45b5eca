//! Number of municipal councillors by population (CGCT, art. L2121-2).

/// Lower population bound of each bracket and its number of councillors, in increasing order.
///
/// Table of CGCT, art. L2121-2 in the version in force in 2024, which has 7 councillors below
/// 100 inhabitants where versions before 2020 had 9.
const SEATS_BY_POPULATION: [(u64, u32); 19] = [
    (0, 7),
    (100, 11),
    (500, 15),
    (1_500, 19),
    (2_500, 23),
    (3_500, 27),
    (5_000, 29),
    (10_000, 33),
    (20_000, 35),
    (30_000, 39),
    (40_000, 43),
    (50_000, 45),
    (60_000, 49),
    (80_000, 53),
    (100_000, 55),
    (150_000, 59),
    (200_000, 61),
    (250_000, 65),
    (300_000, 69),
];

/// Returns the number of municipal councillors of a commune of `population` inhabitants.
///
/// `population` is the last authenticated "population municipale", without the population
/// counted apart. Paris, Lyon and Marseille do not use this table: their councils have sizes set
/// by their own laws, which the administrator enters.
///
/// From 2026 a council of a commune under 1 000 inhabitants is deemed complete with 5, 9 or 13
/// members (CGCT, art. L2121-2-1 as amended by loi n° 2025-444). That does not change the
/// number of seats to fill returned here.
pub fn municipal_council_seats(population: u64) -> u32 {
    SEATS_BY_POPULATION
        .iter()
        .rev()
        .find(|(lower_bound, _)| population >= *lower_bound)
        .map_or(7, |(_, seats)| *seats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_match_l2121_2() {
        let expected = [
            (0, 7),
            (99, 7),
            (100, 11),
            (499, 11),
            (500, 15),
            (999, 15),
            (1_499, 15),
            (1_500, 19),
            (2_499, 19),
            (2_500, 23),
            (3_499, 23),
            (3_500, 27),
            (4_999, 27),
            (5_000, 29),
            (9_999, 29),
            (10_000, 33),
            (19_999, 33),
            (20_000, 35),
            (29_999, 35),
            (30_000, 39),
            (39_999, 39),
            (40_000, 43),
            (49_999, 43),
            (50_000, 45),
            (59_999, 45),
            (60_000, 49),
            (79_999, 49),
            (80_000, 53),
            (99_999, 53),
            (100_000, 55),
            (149_999, 55),
            (150_000, 59),
            (199_999, 59),
            (200_000, 61),
            (249_999, 61),
            (250_000, 65),
            (299_999, 65),
            (300_000, 69),
            (u64::MAX, 69),
        ];
        for (population, seats) in expected {
            assert_eq!(
                municipal_council_seats(population),
                seats,
                "population {population}"
            );
        }
    }

    #[test]
    fn every_size_is_odd() {
        for (_, seats) in SEATS_BY_POPULATION {
            assert_eq!(seats % 2, 1, "{seats} seats");
        }
    }
}
