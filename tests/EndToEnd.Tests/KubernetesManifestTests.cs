using System.Text.RegularExpressions;
using X0tta6bl4.Ops.Tests;
using static X0tta6bl4.Ops.EndToEnd.Tests.KubernetesManifests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>
/// deploy/k8s checked so it cannot rot: it renders, and what it says matches what the apps and docs/configuration.md say.
/// (No cluster here: `kubectl apply --dry-run=client` needs one for discovery; `kubectl kustomize` does not.)
/// </summary>
public class KubernetesManifestTests
{
    private const string Namespace = "x0tta6bl4-ops";

    // Set by the image or Kubernetes, not the app's own configuration keys.
    private static bool IsPlatformVariable(string name) => name.StartsWith("DOTNET_", StringComparison.Ordinal) || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal);

    /// <summary>Keys whose values are secrets wherever they are set: a connection string may hold a password.</summary>
    private static readonly Regex SecretKey = new(@"(Password|PasswordHash|ClientSecret|Token|__Connection$|Headers__\d+__Value$)", RegexOptions.IgnoreCase);

    [Fact]
    public async Task Render_EveryResourceIsInTheNamespace_AndNoSecretIsApplied()
    {
        var manifests = await RenderAsync();

        Assert.Contains(manifests.Resources, r => Text(r, "kind") == "Namespace" && Text(r, "metadata", "name") == Namespace);
        Assert.All(manifests.Resources.Where(r => Text(r, "kind") != "Namespace"), r => Assert.Equal(Namespace, Text(r, "metadata", "namespace")));
        // The Secret is made by the operator (secret.example.yaml), so no placeholder password is ever deployed.
        Assert.Empty(manifests.OfKind("Secret"));
        Assert.Equal(["collector", "dashboard"], manifests.OfKind("Deployment").Select(d => Text(d, "metadata", "name")!).Order());
    }

    [Fact]
    public async Task Dashboard_TwoReplicas_StickyForBlazorCircuits_OnServiceAndIngress()
    {
        var manifests = await RenderAsync();

        var dashboard = manifests.Single("Deployment", "dashboard");
        Assert.Equal("2", Text(dashboard, "spec", "replicas"));
        var service = manifests.Single("Service", "dashboard");
        Assert.Equal("ClientIP", Text(service, "spec", "sessionAffinity"));
        Assert.Equal(Map(dashboard, "spec", "selector", "matchLabels"), Map(service, "spec", "selector"));
        var ingress = manifests.Single("Ingress", "dashboard");
        Assert.Equal("cookie", Text(ingress, "metadata", "annotations", "nginx.ingress.kubernetes.io/affinity"));
        // The circuit is a WebSocket: nginx's 60-s read timeout would cut idle ones.
        Assert.True(int.Parse(Text(ingress, "metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-read-timeout")!, System.Globalization.CultureInfo.InvariantCulture) >= 3600);
        var backend = Map(ingress, "spec", "rules", 0, "http", "paths", 0, "backend", "service");
        Assert.Equal("dashboard", Text(backend, "name"));
        Assert.Contains(List(service, "spec", "ports"), p => Text(p, "name") == Text(backend, "port", "name"));
        Assert.Equal("false", Env(manifests, dashboard)["Collector__Enabled"]);
    }

    [Fact]
    public async Task Collector_TwoReplicas_EachWithItsOwnLeaseNameAndSpool()
    {
        var manifests = await RenderAsync();

        var collector = manifests.Single("Deployment", "collector");
        Assert.Equal("2", Text(collector, "spec", "replicas"));
        var container = Containers(collector).Single();
        var env = List(container, "env").Cast<Dictionary<object, object>>().ToDictionary(e => Text(e, "name")!);
        // Leases are held by name: two pods must never share one.
        Assert.Equal("metadata.name", Text(env["Collector__InstanceName"], "valueFrom", "fieldRef", "fieldPath"));
        var spool = Text(env["Collector__SpoolPath"], "value")!;
        Assert.Contains(List(container, "volumeMounts"), m => Text(m, "mountPath") == spool);
        Assert.Equal("Postgres", Env(manifests, collector)["Store__Provider"]);
    }

    [Fact]
    public async Task Containers_NonRoot_ReadOnlyRoot_WithLimits_AndAWritableTmp()
    {
        var manifests = await RenderAsync();

        foreach (var deployment in manifests.OfKind("Deployment"))
        {
            var pod = Map(deployment, "spec", "template", "spec");
            Assert.Equal("true", Text(pod, "securityContext", "runAsNonRoot"));
            // The aspnet image's own user.
            Assert.Equal("1654", Text(pod, "securityContext", "runAsUser"));
            foreach (var container in Containers(deployment))
            {
                Assert.Equal("true", Text(container, "securityContext", "readOnlyRootFilesystem"));
                Assert.Equal("false", Text(container, "securityContext", "allowPrivilegeEscalation"));
                Assert.Equal(["ALL"], List(container, "securityContext", "capabilities", "drop").Select(c => c.ToString()));
                Assert.Contains(List(container, "volumeMounts"), m => Text(m, "mountPath") == "/tmp");
                foreach (var kind in new[] { "requests", "limits" })
                {
                    Assert.NotNull(Text(container, "resources", kind, "cpu"));
                    Assert.NotNull(Text(container, "resources", kind, "memory"));
                }
            }
        }
    }

    [Fact]
    public async Task Images_AreTheOnesTheDockerfilesBuild_OnThePortsTheyExpose()
    {
        var manifests = await RenderAsync();

        foreach (var deployment in manifests.OfKind("Deployment"))
        {
            foreach (var container in Containers(deployment))
            {
                var image = Text(container, "image")!;
                var match = Regex.Match(image, @"(?:^|/)x0tta6bl4-ops-(?<name>[a-z]+)(?::[\w.-]+)?$");
                Assert.True(match.Success, $"image {image} is not one of ours (x0tta6bl4-ops-NAME)");
                var dockerfile = Path.Combine(StackEnvironment.RepositoryRoot, "deploy", match.Groups["name"].Value + ".Dockerfile");
                Assert.True(File.Exists(dockerfile), $"{image}: no {dockerfile}");
                var text = await File.ReadAllTextAsync(dockerfile, TestContext.Current.CancellationToken);
                var exposed = Regex.Matches(text, @"^EXPOSE (\d+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
                var ports = List(container, "ports").Select(p => Text(p, "containerPort")!).ToList();
                Assert.Equal(exposed, ports);
                if (exposed.Count > 0)
                {
                    Assert.Contains($"ASPNETCORE_URLS=http://+:{exposed[0]}", text);
                }
            }
        }
    }

    [Fact]
    public async Task ConfigMap_HoldsNoSecret_AndTheSecretExampleHoldsEverySecretKey()
    {
        var manifests = await RenderAsync();
        var example = Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "secret.example.yaml"), TestContext.Current.CancellationToken)).Single();

        foreach (var configMap in manifests.OfKind("ConfigMap"))
        {
            foreach (var (key, value) in Map(configMap, "data"))
            {
                Assert.False(SecretKey.IsMatch(key.ToString()!) && !IsTenant(Map(configMap, "data"), key.ToString()!), $"{key} is a secret and belongs in the Secret");
                Assert.DoesNotMatch(new Regex("(Password=|Bearer |Basic |pbkdf2)", RegexOptions.IgnoreCase), value?.ToString() ?? "");
            }
        }

        var secretKeys = Map(example, "stringData").Keys.Select(k => k.ToString()!).ToList();
        Assert.Contains("Store__Postgres__Connection", secretKeys);
        Assert.Contains("Auth__Users__0__PasswordHash", secretKeys);
        Assert.Equal("Opaque", Text(example, "type"));
        Assert.Equal(Namespace, Text(example, "metadata", "namespace"));
        // Every Deployment reads it.
        Assert.All(manifests.OfKind("Deployment"), d => Assert.All(Containers(d),
            c => Assert.Contains(List(c, "envFrom"), e => Text(e, "secretRef", "name") == Text(example, "metadata", "name"))));
    }

    /// <summary>X-Scope-OrgID's value names a tenant, not a secret: it may sit in the ConfigMap.</summary>
    private static bool IsTenant(Dictionary<object, object> data, string key) =>
        Regex.Match(key, @"^(Sources__Prometheus__Headers__\d+)__Value$") is { Success: true } m
        && string.Equals(data.GetValueOrDefault(m.Groups[1].Value + "__Name")?.ToString(), "X-Scope-OrgID", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task EveryConfigurationKeySet_IsInTheConfigurationReference()
    {
        var manifests = await RenderAsync();
        var example = Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "secret.example.yaml"), TestContext.Current.CancellationToken)).Single();
        var markdown = await File.ReadAllTextAsync(ConfigurationKeys.DocumentPath, TestContext.Current.CancellationToken);
        // The dashboard's and the collector's keys: those are the programs deploy/k8s runs.
        var documented = new[] { "Dashboard and standalone collector", "Dashboard only" }
            .SelectMany(heading => ConfigurationKeys.Documented(markdown, heading)).Select(row => row.Key).ToHashSet(StringComparer.Ordinal);

        var names = manifests.OfKind("ConfigMap").SelectMany(c => Map(c, "data").Keys.Select(k => k.ToString()!))
            .Concat(Map(example, "stringData").Keys.Select(k => k.ToString()!))
            .Concat(manifests.OfKind("Deployment").SelectMany(Containers).SelectMany(c => List(c, "env")).Select(e => Text(e, "name")!))
            .Where(n => !IsPlatformVariable(n)).Distinct().ToList();

        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.True(documented.Contains(KeyOf(name)), $"{name} ({KeyOf(name)}) is not in docs/configuration.md"));
    }

    [Fact]
    public async Task Probes_HitTheEndpointsTheDashboardServes_WithoutSigningIn()
    {
        var manifests = await RenderAsync();
        var dashboard = Containers(manifests.Single("Deployment", "dashboard")).Single();
        Assert.Equal("/health/ready", Text(dashboard, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/health", Text(dashboard, "livenessProbe", "httpGet", "path"));
        var probes = new[] { "startupProbe", "livenessProbe", "readinessProbe" }.Select(p => Map(dashboard, p)).Where(p => p.Count > 0).ToList();
        Assert.All(probes, p => Assert.Contains(List(dashboard, "ports"), port => Text(port, "name") == Text(p, "httpGet", "port")));

        // The real dashboard in the manifests' shape (a PostgreSQL store, no collector), asked as the kubelet asks: no credentials.
        var ct = TestContext.Current.CancellationToken;
        await using var database = new TemporaryDatabase();
        await database.InitializeAsync();
        await using var process = await DashboardProcess.StartAsync(new Dictionary<string, string>
        {
            ["Store__Provider"] = "Postgres",
            ["Store__Postgres__Connection"] = database.ConnectionString,
            ["Collector__Enabled"] = "false",
        }, ct);
        using var kubelet = new HttpClient { BaseAddress = process.BaseAddress };
        foreach (var probe in probes)
        {
            using var response = await kubelet.GetAsync(Text(probe, "httpGet", "path")!.TrimStart('/'), ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>An environment variable's configuration key with list indexes as N: Auth__Users__0__Name → Auth:Users:N:Name.</summary>
    private static string KeyOf(string variable) =>
        string.Join(':', variable.Split("__").Select(part => part.All(char.IsAsciiDigit) ? "N" : part));

    /// <summary>A Deployment's one container's environment: its ConfigMap's data, then its own env values.</summary>
    private static Dictionary<string, string> Env(KubernetesManifests manifests, Dictionary<object, object> deployment)
    {
        var container = Containers(deployment).Single();
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in List(container, "envFrom"))
        {
            if (Text(source, "configMapRef", "name") is { } name)
            {
                foreach (var (key, value) in Map(manifests.Single("ConfigMap", name), "data"))
                {
                    env[key.ToString()!] = value?.ToString() ?? "";
                }
            }
        }

        foreach (var variable in List(container, "env"))
        {
            if (Text(variable, "value") is { } value)
            {
                env[Text(variable, "name")!] = value;
            }
        }

        return env;
    }
}
