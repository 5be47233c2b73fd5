namespace X0tta6bl4.Ops.Collector.Sources.Prometheus;

/// <summary>
/// One poll's warnings, each text once with the queries that got it: a store that is down warns on every one of
/// the poll's ~40 queries, which the Targets page should show as one line, not forty.
/// </summary>
internal sealed class PollWarnings
{
    private readonly Dictionary<string, (int Queries, List<string> Series)> _byWarning = new(StringComparer.Ordinal);

    public void Clear() => _byWarning.Clear();

    /// <param name="what">The canonical series (or raw metric) the query was for.</param>
    public void Add(string what, IReadOnlyList<string> warnings)
    {
        foreach (var warning in warnings.Distinct(StringComparer.Ordinal))
        {
            var (queries, series) = _byWarning.TryGetValue(warning, out var seen) ? seen : (0, []);
            if (!series.Contains(what))
            {
                series.Add(what);
            }

            _byWarning[warning] = (queries + 1, series);
        }
    }

    /// <summary>"text (3 of 41 queries, for a, b)", in the order first seen; at most five series named each.</summary>
    public IReadOnlyList<string> Summary(int queries) =>
        _byWarning.Select(w =>
        {
            var names = string.Join(", ", w.Value.Series.Take(5)) + (w.Value.Series.Count > 5 ? ", …" : "");
            return $"{w.Key} ({w.Value.Queries} of {queries} queries, for {names})";
        }).ToList();
}
