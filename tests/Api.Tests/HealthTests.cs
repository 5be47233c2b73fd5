using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using X0tta6bl4.Ops.Api.Health;

namespace X0tta6bl4.Ops.Api.Tests;

/// <summary>Liveness and readiness on the stack's PostgreSQL and Redis; faults are in <see cref="FaultTests"/>.</summary>
public sealed class HealthTests : StackApiTest
{
    [Fact]
    public async Task Ready_EverythingUp_Is200ListingEachCheckAsHealthy()
    {
        var response = await Client.GetAsync("/health/ready");
        var body = await response.ReadAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal(["postgres", "redis"], checks.EnumerateObject().Select(c => c.Name).Order());
        Assert.All(checks.EnumerateObject(), c => Assert.Equal("healthy", c.Value.GetProperty("status").GetString()));
        Assert.Equal("PostgreSQL answers; schema current", checks.GetProperty("postgres").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Live_IsOkAndRunsNoCheck()
    {
        var response = await Client.GetAsync("/health");
        var body = await response.ReadAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("checks", out _));
    }

    [Fact]
    public async Task ReadinessBody_CheckThatThrewOrTimedOut_ShowsNoExceptionText()
    {
        var secret = new InvalidOperationException("Host=db.internal;Password=hunter2");
        var report = new HealthReport(new Dictionary<string, HealthReportEntry>
        {
            ["postgres"] = new(HealthStatus.Unhealthy, secret.Message, TimeSpan.FromMilliseconds(3), secret, null),
            ["redis"] = new(HealthStatus.Degraded, "A timeout occurred", TimeSpan.FromSeconds(2), new OperationCanceledException(), null),
        }, TimeSpan.FromSeconds(2));
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };

        await X0tta6bl4.Ops.ServiceDefaults.HealthJson.WriteAsync(context, report);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        var checks = JsonDocument.Parse(text).RootElement.GetProperty("checks");

        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("db.internal", text);
        Assert.Equal("the check failed", checks.GetProperty("postgres").GetProperty("description").GetString());
        Assert.Equal("timed out", checks.GetProperty("redis").GetProperty("description").GetString());
    }
}
