namespace X0tta6bl4.Ops.Tests;

/// <summary>A throw-away CA and a server certificate it signed for 127.0.0.1 (openssl, a temp folder).</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-tls-").FullName;

    public string Ca => Path.Combine(_dir, "ca.crt");

    public string ServerCertificate => Path.Combine(_dir, "server.crt");

    public string ServerKey => Path.Combine(_dir, "server.key");

    public static async Task<TestCertificates> CreateAsync()
    {
        var c = new TestCertificates();
        var caKey = Path.Combine(c._dir, "ca.key");
        var csr = Path.Combine(c._dir, "server.csr");
        var ext = Path.Combine(c._dir, "server.ext");
        await File.WriteAllTextAsync(ext, "subjectAltName=IP:127.0.0.1\n");
        await ServiceProcesses.RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", c.Ca,
            "-days", "1", "-subj", "/CN=x0tta6bl4 test CA");
        await ServiceProcesses.RunAsync("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", c.ServerKey, "-out", csr,
            "-subj", "/CN=127.0.0.1");
        await ServiceProcesses.RunAsync("openssl", "x509", "-req", "-in", csr, "-CA", c.Ca, "-CAkey", caKey, "-CAcreateserial",
            "-out", c.ServerCertificate, "-days", "1", "-extfile", ext);
        return c;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
