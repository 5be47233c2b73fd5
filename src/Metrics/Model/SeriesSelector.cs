namespace X0tta6bl4.Ops.Metrics.Model;

/// <summary>Selects series by metric name and label matchers, like <c>name{a="b",c=~"d.*"}</c>.</summary>
public sealed class SeriesSelector
{
    public SeriesSelector(string name, params LabelMatcher[] matchers)
    {
        Name = name;
        Matchers = matchers;
    }

    public string Name { get; }

    public IReadOnlyList<LabelMatcher> Matchers { get; }

    public static SeriesSelector Where(string name, params (string Label, string Value)[] equal) =>
        new(name, equal.Select(e => new LabelMatcher(e.Label, MatchOp.Equal, e.Value)).ToArray());

    public bool Matches(SeriesKey key) => key.Name == Name && Matchers.All(m => m.Matches(key));

    public override string ToString() =>
        Matchers.Count == 0 ? Name : $"{Name}{{{string.Join(",", Matchers)}}}";
}
