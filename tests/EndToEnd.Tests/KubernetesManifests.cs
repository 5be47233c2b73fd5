using System.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>
/// deploy/k8s as Kubernetes gets it: rendered by <c>kubectl kustomize</c> (offline; kubectl 1.20's built-in
/// kustomize too), parsed with YamlDotNet into plain maps and lists.
/// </summary>
internal sealed class KubernetesManifests
{
    private KubernetesManifests(IReadOnlyList<Dictionary<object, object>> resources) => Resources = resources;

    public IReadOnlyList<Dictionary<object, object>> Resources { get; }

    public static string Folder => Path.Combine(StackEnvironment.RepositoryRoot, "deploy", "k8s");

    public static async Task<KubernetesManifests> RenderAsync()
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(Folder);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is not installed (scripts/install-deps test installs kubernetes-client): " + e.Message, e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {Folder} exited with {process.ExitCode}: {await error}");
            }

            return new KubernetesManifests(Parse(await output));
        }
    }

    /// <summary>Every document of a multi-document YAML text, as maps.</summary>
    public static IReadOnlyList<Dictionary<object, object>> Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<Dictionary<object, object>>(parser) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    public Dictionary<object, object> Single(string kind, string name) =>
        Resources.Single(r => Text(r, "kind") == kind && Text(r, "metadata", "name") == name);

    public IEnumerable<Dictionary<object, object>> OfKind(string kind) => Resources.Where(r => Text(r, "kind") == kind);

    /// <summary>The node at a path of map keys (strings) and list indexes (ints); null where the path leads nowhere.</summary>
    public static object? At(object? node, params object[] path)
    {
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (Dictionary<object, object> map, string key) => map.GetValueOrDefault(key),
                (List<object> list, int index) => index < list.Count ? list[index] : null,
                _ => null,
            };
        }

        return node;
    }

    public static string? Text(object? node, params object[] path) => At(node, path)?.ToString();

    public static IReadOnlyList<object> List(object? node, params object[] path) => At(node, path) as List<object> ?? [];

    public static Dictionary<object, object> Map(object? node, params object[] path) => At(node, path) as Dictionary<object, object> ?? [];

    /// <summary>A Deployment's containers.</summary>
    public static IEnumerable<Dictionary<object, object>> Containers(Dictionary<object, object> deployment) =>
        List(deployment, "spec", "template", "spec", "containers").Cast<Dictionary<object, object>>();
}
