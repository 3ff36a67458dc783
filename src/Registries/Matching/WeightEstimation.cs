namespace FhirMh.Registries.Matching;

/// <summary>
/// Estimates m and u from unlabelled pairs with the EM algorithm for the two-class
/// Fellegi-Sunter model under conditional independence (Winkler 1988; Jaro 1989).
/// </summary>
public static class WeightEstimation
{
    /// <summary>Probabilities are kept in [ProbabilityFloor, 1 - ProbabilityFloor] so no weight becomes infinite.</summary>
    public const double ProbabilityFloor = 1e-6;

    /// <summary>
    /// Runs EM over the comparison vectors of candidate pairs (typically all pairs that share a
    /// blocking key). Starts from the configured m and u and from a match proportion equal to the
    /// share of pairs the configured weights classify as at least a possible match (kept within
    /// [0.001, 0.5]); a missing field is left out of a pair's likelihood. Stops when no parameter
    /// moves by <paramref name="tolerance"/> or more. Deterministic for the same input.
    /// </summary>
    /// <param name="rules">The rules whose levels are estimated.</param>
    /// <param name="pairs">One comparison vector per candidate pair, from <see cref="RecordMatcher.Compare"/>.</param>
    /// <param name="maxIterations">Iteration limit, at least 1.</param>
    /// <param name="tolerance">Convergence tolerance on the largest change of any probability, above 0.</param>
    /// <returns>The estimated rules and how the run went.</returns>
    /// <exception cref="ArgumentException">No pairs, a vector that does not fit the rules, or bad limits.</exception>
    public static WeightEstimate Estimate(MatchRules rules, IReadOnlyList<ComparisonVector> pairs, int maxIterations, double tolerance) =>
        Run(rules, pairs, null, maxIterations, tolerance).ToEstimate(rules);

    /// <summary>
    /// Like <see cref="Estimate(MatchRules, IReadOnlyList{ComparisonVector}, int, double)"/>, but u is
    /// not left to EM: it is the share of each level among <paramref name="randomPairs"/>, pairs of
    /// records drawn at random, nearly all of which are non-matches. EM then only estimates m and the
    /// match proportion. With u pinned, EM cannot settle on another split of the candidate pairs than
    /// match versus non-match (for example "same household" versus not), which unconstrained EM on
    /// blocked pairs is prone to.
    /// </summary>
    /// <param name="rules">The rules whose levels are estimated.</param>
    /// <param name="pairs">One comparison vector per candidate pair.</param>
    /// <param name="randomPairs">Comparison vectors of randomly drawn record pairs.</param>
    /// <param name="maxIterations">Iteration limit, at least 1.</param>
    /// <param name="tolerance">Convergence tolerance on the largest change of any probability, above 0.</param>
    /// <returns>The estimated rules and how the run went.</returns>
    /// <exception cref="ArgumentException">No pairs or random pairs, a vector that does not fit the rules, or bad limits.</exception>
    public static WeightEstimate Estimate(
        MatchRules rules, IReadOnlyList<ComparisonVector> pairs, IReadOnlyList<ComparisonVector> randomPairs, int maxIterations, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(randomPairs);
        if (randomPairs.Count == 0)
        {
            throw new ArgumentException("At least one random pair is needed", nameof(randomPairs));
        }

        return Run(rules, pairs, randomPairs, maxIterations, tolerance).ToEstimate(rules);
    }

    /// <summary>
    /// Like <see cref="Estimate(MatchRules, IReadOnlyList{ComparisonVector}, IReadOnlyList{ComparisonVector}, int, double)"/>,
    /// but m is estimated once per blocking pass, as Splink does: over the pairs that share that
    /// pass's key, with the fields the key is made of left out. Within a block those fields agree
    /// on the key by construction (the value, or its phonetic code, initial or year), so they say
    /// little about match status there, yet u (from random pairs) treats their agreement as rare.
    /// Left in, they pull the different people of a block (same family name, same birth date) into
    /// the match class, and m learns that true matches often disagree on everything else: on FEBRL 4 without national ids, pooled EM put 25% of matches
    /// on a disagreeing birth date, where 4% of them are. Each field's m is then the average of
    /// the passes that estimated it, weighted by the expected matches in which the field was present;
    /// a field every pass is built from keeps the pooled estimate. The match proportion reported is
    /// the mean over all pairs of each pair's chance of being a match in the runs of its passes.
    /// </summary>
    /// <param name="rules">The rules whose levels are estimated; their blocking passes name the fields left out.</param>
    /// <param name="pairs">One comparison vector per candidate pair, with the passes whose keys the pair shares.</param>
    /// <param name="randomPairs">Comparison vectors of randomly drawn record pairs.</param>
    /// <param name="maxIterations">Iteration limit of each EM run, at least 1.</param>
    /// <param name="tolerance">Convergence tolerance on the largest change of any probability, above 0.</param>
    /// <returns>The estimated rules; iterations are summed over the runs, converged only when every run did.</returns>
    /// <exception cref="ArgumentException">No pairs or random pairs, a vector that does not fit the rules, or bad limits.</exception>
    public static WeightEstimate EstimateByBlockingPass(
        MatchRules rules, IReadOnlyList<BlockedPair> pairs, IReadOnlyList<ComparisonVector> randomPairs, int maxIterations, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(randomPairs);
        if (randomPairs.Count == 0)
        {
            throw new ArgumentException("At least one random pair is needed", nameof(randomPairs));
        }

        var pooled = Run(rules, [.. pairs.Select(p => p.Vector)], randomPairs, maxIterations, tolerance);
        var fields = rules.Fields;
        var sums = pooled.M.Select(levels => new double[levels.Length]).ToArray();
        var weights = new double[fields.Count];
        var (iterations, converged) = (pooled.Iterations, pooled.Converged);

        // Each pair's chance of being a match, summed over the runs of the passes that found it.
        var posteriors = new double[pairs.Count];
        var runs = new int[pairs.Count];
        foreach (var pass in rules.Blocking)
        {
            var keyFields = pass.Keys.Select(k => FieldIndex(fields, k.Field)).ToHashSet();
            var found = Enumerable.Range(0, pairs.Count).Where(i => pairs[i].Passes.Contains(pass.Name)).ToList();
            var masked = found
                .Select(i => new ComparisonVector(pairs[i].Vector.Levels.Select((level, f) => keyFields.Contains(f) ? -1 : level)))
                .ToList();
            if (masked.Count == 0)
            {
                continue;
            }

            var run = Run(rules, masked, randomPairs, maxIterations, tolerance);
            iterations += run.Iterations;
            converged &= run.Converged;
            for (var j = 0; j < found.Count; j++)
            {
                posteriors[found[j]] += run.Posterior(masked[j]);
                runs[found[j]]++;
            }

            for (var f = 0; f < fields.Count; f++)
            {
                if (keyFields.Contains(f) || run.MatchesWithField[f] <= 0)
                {
                    continue;
                }

                weights[f] += run.MatchesWithField[f];
                for (var k = 0; k < sums[f].Length; k++)
                {
                    sums[f][k] += run.MatchesWithField[f] * run.M[f][k];
                }
            }
        }

        var m = pooled.M.Select((levels, f) => weights[f] > 0 ? [.. sums[f].Select(sum => Clamp(sum / weights[f]))] : levels).ToArray();

        // Within a pass's block its run weighs every other field without bias, so a pair's chance of
        // being a match is the mean of the runs of the passes that found it; a pair no pass found is
        // weighed by the pooled run. The share of matches is the mean over all pairs.
        var matches = 0.0;
        for (var i = 0; i < pairs.Count; i++)
        {
            matches += runs[i] > 0 ? posteriors[i] / runs[i] : pooled.Posterior(pairs[i].Vector);
        }

        var p = Clamp(matches / pairs.Count);
        return new EmRun(m, pooled.U, p, pooled.MatchesWithField, iterations, converged).ToEstimate(rules);
    }

    /// <summary>The chance that a pair with <paramref name="vector"/> is a match under m, u and the match proportion p; missing fields left out.</summary>
    private static double Posterior(ComparisonVector vector, double[][] m, double[][] u, double p)
    {
        var logOdds = Math.Log(p) - Math.Log(1 - p);
        for (var f = 0; f < m.Length; f++)
        {
            var level = vector[f];
            if (level >= 0)
            {
                logOdds += Math.Log(m[f][level]) - Math.Log(u[f][level]);
            }
        }

        return 1 / (1 + Math.Exp(-logOdds));
    }

    private static int FieldIndex(IReadOnlyList<FieldRule> fields, string name)
    {
        for (var f = 0; f < fields.Count; f++)
        {
            if (fields[f].Name == name)
            {
                return f;
            }
        }

        throw new ArgumentException($"A blocking key names the unknown field '{name}'", nameof(fields));
    }

    private static EmRun Run(
        MatchRules rules, IReadOnlyList<ComparisonVector> pairs, IReadOnlyList<ComparisonVector>? randomPairs, int maxIterations, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tolerance);
        if (pairs.Count == 0)
        {
            throw new ArgumentException("At least one pair is needed", nameof(pairs));
        }

        var fields = rules.Fields;
        var fieldCount = fields.Count;

        // Identical vectors share a likelihood, so EM runs over distinct vectors with counts.
        var counts = new Dictionary<ComparisonVector, int>();
        foreach (var pair in pairs)
        {
            if (pair.Count != fieldCount)
            {
                throw new ArgumentException($"A vector has {pair.Count} levels for {fieldCount} fields", nameof(pairs));
            }

            for (var f = 0; f < fieldCount; f++)
            {
                if (pair[f] < -1 || pair[f] > fields[f].Levels.Count)
                {
                    throw new ArgumentException($"Level {pair[f]} is out of range for field '{fields[f].Name}'", nameof(pairs));
                }
            }

            counts[pair] = counts.TryGetValue(pair, out var n) ? n + 1 : 1;
        }

        // Deterministic order regardless of hashing.
        var vectors = counts.OrderBy(c => c.Key.ToString(), StringComparer.Ordinal).ToArray();
        var m = fields.Select(f => f.Levels.Select(l => l.M).Append(f.DisagreeM).ToArray()).ToArray();
        var u = fields.Select(f => f.Levels.Select(l => l.U).Append(f.DisagreeU).ToArray()).ToArray();
        if (randomPairs is not null)
        {
            for (var f = 0; f < fieldCount; f++)
            {
                var levelCounts = new double[u[f].Length];
                foreach (var pair in randomPairs)
                {
                    if (pair.Count == fieldCount && pair[f] >= 0 && pair[f] < levelCounts.Length)
                    {
                        levelCounts[pair[f]]++;
                    }
                }

                Update(u[f], levelCounts);
            }
        }

        var matcher = new RecordMatcher(rules);
        double total = pairs.Count;
        var p = Math.Clamp(
            vectors.Where(v => matcher.Score(v.Key).Outcome != MatchOutcome.NonMatch).Sum(v => v.Value) / total,
            0.001,
            0.5);

        var g = new double[vectors.Length];
        var iterations = 0;
        var converged = false;
        while (iterations < maxIterations && !converged)
        {
            iterations++;

            // E step: posterior probability that each distinct vector is a match.
            for (var v = 0; v < vectors.Length; v++)
            {
                g[v] = Posterior(vectors[v].Key, m, u, p);
            }

            // M step: expected counts per level among matches and among non-matches.
            var change = 0.0;
            var matches = 0.0;
            for (var v = 0; v < vectors.Length; v++)
            {
                matches += g[v] * vectors[v].Value;
            }

            var newP = Clamp(matches / total);
            change = Math.Max(change, Math.Abs(newP - p));
            p = newP;
            for (var f = 0; f < fieldCount; f++)
            {
                var levelCount = m[f].Length;
                var matchCounts = new double[levelCount];
                var nonMatchCounts = new double[levelCount];
                for (var v = 0; v < vectors.Length; v++)
                {
                    var level = vectors[v].Key[f];
                    if (level >= 0)
                    {
                        matchCounts[level] += g[v] * vectors[v].Value;
                        nonMatchCounts[level] += (1 - g[v]) * vectors[v].Value;
                    }
                }

                change = Math.Max(change, Update(m[f], matchCounts));
                if (randomPairs is null)
                {
                    change = Math.Max(change, Update(u[f], nonMatchCounts));
                }
            }

            converged = change < tolerance;
        }

        var present = new double[fieldCount];
        for (var f = 0; f < fieldCount; f++)
        {
            for (var v = 0; v < vectors.Length; v++)
            {
                if (vectors[v].Key[f] >= 0)
                {
                    present[f] += g[v] * vectors[v].Value;
                }
            }
        }

        return new EmRun(m, u, p, present, iterations, converged);
    }

    /// <summary>Replaces the probabilities by the normalised counts, clamped and renormalised; returns the largest change.</summary>
    private static double Update(double[] probabilities, double[] counts)
    {
        var sum = counts.Sum();
        if (sum <= 0)
        {
            // The field was missing in every pair (or in every pair of this class): nothing to learn.
            return 0;
        }

        var next = counts.Select(c => Clamp(c / sum)).ToArray();
        var clampedSum = next.Sum();
        var change = 0.0;
        for (var k = 0; k < probabilities.Length; k++)
        {
            var value = next[k] / clampedSum;
            change = Math.Max(change, Math.Abs(value - probabilities[k]));
            probabilities[k] = value;
        }

        return change;
    }

    private static double Clamp(double probability) => Math.Clamp(probability, ProbabilityFloor, 1 - ProbabilityFloor);

    /// <summary>
    /// One EM run's parameters: m and u per field and level (disagreement last), the match
    /// proportion, and per field the expected number of matches in which it was present.
    /// </summary>
    private sealed record EmRun(double[][] M, double[][] U, double P, double[] MatchesWithField, int Iterations, bool Converged)
    {
        public double Posterior(ComparisonVector vector) => WeightEstimation.Posterior(vector, M, U, P);

        public WeightEstimate ToEstimate(MatchRules rules)
        {
            var estimated = rules.Fields.Select((field, f) => field with
            {
                Levels = field.Levels.Select((level, k) => level with { M = M[f][k], U = U[f][k] }).ToArray(),
            }).ToArray();
            return new WeightEstimate(rules.WithFields(estimated), Iterations, P, Converged);
        }
    }
}
