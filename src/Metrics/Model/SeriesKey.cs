using System.Text;

namespace X0tta6bl4.Ops.Metrics.Model;

/// <summary>
/// Identifies a series: a metric name plus its labels, kept sorted by label name so that the same
/// set of labels always yields the same key (and the same <see cref="LabelText"/> in the store).
/// </summary>
public sealed class SeriesKey : IEquatable<SeriesKey>
{
    public SeriesKey(string name, IEnumerable<Label>? labels = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A series needs a metric name.", nameof(name));
        }

        Name = name;
        // Prometheus semantics: an empty label value is no label.
        Labels = SortedByName((labels ?? []).Where(l => l.Value.Length > 0).ToArray());
        for (var i = 1; i < Labels.Count; i++)
        {
            if (Labels[i].Name == Labels[i - 1].Name)
            {
                throw new ArgumentException($"Label '{Labels[i].Name}' appears twice in series '{name}'.", nameof(labels));
            }
        }

        LabelText = FormatLabels(Labels);
        _hashCode = HashCode.Combine(Name, LabelText);
    }

    // Keys are looked up per sample on the write path; the hash of two strings is worth keeping.
    private readonly int _hashCode;

    /// <summary>
    /// The labels in name order: the list itself when it is in order already, as labels built by the collector and
    /// sent by Prometheus are (sorting them anyway was a large part of building keys on the scrape path, measured).
    /// </summary>
    public static IReadOnlyList<Label> SortedByName(IReadOnlyList<Label> labels)
    {
        for (var i = 1; i < labels.Count; i++)
        {
            if (string.CompareOrdinal(labels[i - 1].Name, labels[i].Name) > 0)
            {
                return labels.OrderBy(l => l.Name, StringComparer.Ordinal).ToArray();
            }
        }

        return labels;
    }

    public static SeriesKey Of(string name, params (string Name, string Value)[] labels) =>
        new(name, labels.Select(l => new Label(l.Name, l.Value)));

    public string Name { get; }

    public IReadOnlyList<Label> Labels { get; }

    /// <summary>Canonical text of the labels, e.g. <c>job="api",quantile="0.99"</c>.</summary>
    public string LabelText { get; }

    public string? this[string labelName]
    {
        get
        {
            foreach (var label in Labels)
            {
                if (label.Name == labelName)
                {
                    return label.Value;
                }
            }

            return null;
        }
    }

    public SeriesKey With(string labelName, string value) =>
        new(Name, Labels.Where(l => l.Name != labelName).Append(new Label(labelName, value)));

    public static string FormatLabels(IEnumerable<Label> labels)
    {
        var text = new StringBuilder();
        foreach (var label in labels)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(label.Name).Append("=\"");
            foreach (var c in label.Value)
            {
                switch (c)
                {
                    case '\\': text.Append("\\\\"); break;
                    case '"': text.Append("\\\""); break;
                    case '\n': text.Append("\\n"); break;
                    default: text.Append(c); break;
                }
            }

            text.Append('"');
        }

        return text.ToString();
    }

    /// <summary>Parses text made by <see cref="FormatLabels"/>.</summary>
    public static IReadOnlyList<Label> ParseLabels(string text)
    {
        var labels = new List<Label>();
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= text.Length || text[eq + 1] != '"')
            {
                throw new FormatException($"Malformed label text: {text}");
            }

            var name = text[i..eq];
            var value = new StringBuilder();
            var j = eq + 2;
            for (; j < text.Length && text[j] != '"'; j++)
            {
                if (text[j] == '\\' && j + 1 < text.Length)
                {
                    j++;
                    value.Append(text[j] == 'n' ? '\n' : text[j]);
                }
                else
                {
                    value.Append(text[j]);
                }
            }

            labels.Add(new Label(name, value.ToString()));
            i = j + 2; // skip the closing quote and the comma
        }

        return labels;
    }

    public bool Equals(SeriesKey? other) =>
        other is not null && Name == other.Name && LabelText == other.LabelText;

    public override bool Equals(object? obj) => Equals(obj as SeriesKey);

    public override int GetHashCode() => _hashCode;

    public override string ToString() => Labels.Count == 0 ? Name : $"{Name}{{{LabelText}}}";
}
