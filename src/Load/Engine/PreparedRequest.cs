using System.Net.Http.Headers;
using System.Text;
using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// A plan request with its templates filled in once, before the clock starts: one absolute URI and body per set-up
/// node (or just one without {nodeId}), so an iteration only picks — no string building or URI parsing while under load.
/// </summary>
internal sealed class PreparedRequest
{
    private readonly bool[] _expected = new bool[600];
    private readonly Uri[] _uris;
    private readonly byte[]?[] _bodies;

    public PreparedRequest(LoadRequest request, Uri baseUri, SetupContext? setup)
    {
        Name = request.Name;
        Weight = request.Weight;
        Method = new HttpMethod(request.Method);
        var nodes = setup is not null && (request.Path.Contains("{nodeId}", StringComparison.Ordinal) || (request.Body ?? "").Contains("{nodeId}", StringComparison.Ordinal))
            ? setup.NodeIds.Select(id => id.ToString()).ToArray()
            : [""];
        _uris = nodes.Select(node => new Uri(baseUri, Fill(request.Path, setup, node))).ToArray();
        _bodies = nodes.Select(node => request.Body is null ? null : Encoding.UTF8.GetBytes(Fill(request.Body, setup, node))).ToArray();
        Headers = request.Headers?.Where(h => !IsContentType(h.Key)).Select(h => (h.Key, h.Value)).ToArray() ?? [];
        var contentType = request.Headers?.FirstOrDefault(h => IsContentType(h.Key)).Value ?? "application/json";
        ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var status in request.ExpectedStatuses ?? Enumerable.Range(100, 300))
        {
            _expected[status] = true;
        }
    }

    public string Name { get; }

    public HttpMethod Method { get; }

    public double Weight { get; }

    public (string Name, string Value)[] Headers { get; }

    public MediaTypeHeaderValue ContentType { get; }

    /// <summary>How many variants (nodes) to pick from.</summary>
    public int Variants => _uris.Length;

    public bool IsExpected(int status) => status is >= 100 and < 600 && _expected[status];

    public HttpRequestMessage Create(int variant)
    {
        var message = new HttpRequestMessage(Method, _uris[variant]);
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (_bodies[variant] is { } body)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = ContentType;
        }

        return message;
    }

    private static bool IsContentType(string header) => header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);

    private static string Fill(string template, SetupContext? setup, string node) =>
        setup is null ? template : template.Replace("{meshId}", setup.MeshId.ToString(), StringComparison.Ordinal).Replace("{nodeId}", node, StringComparison.Ordinal);
}
