using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using X0tta6bl4.Ops.Dashboard.Auth;

namespace X0tta6bl4.Ops.Dashboard.Tests.Hardening;

/// <summary>Sign-in that resists guessing: throttled per name and per address, the same work for unknown names, logged without secrets.</summary>
public sealed class SignInTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly AuthOptions Options = new()
    {
        Users = [new UserOptions { Name = "ana", PasswordHash = PasswordHasher.Hash("pw"), Role = Roles.Operator }],
    };

    private static (SignIn SignIn, FakeTimeProvider Time) Make(AuthOptions? options = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var o = Microsoft.Extensions.Options.Options.Create(options ?? Options);
        var users = new UserDirectory(o, NullLogger<UserDirectory>.Instance, time);
        return (new SignIn(users, new SignInThrottle(time, o), NullLogger<SignIn>.Instance), time);
    }

    [Fact]
    public void FiveWrongPasswords_LockTheNameOut_EvenForTheRightPassword_UntilTheLockoutEnds()
    {
        var (signIn, time) = Make();
        var address = IPAddress.Parse("10.0.0.1");
        for (var i = 0; i < 4; i++)
        {
            Assert.False(signIn.Attempt("ana", "guess" + i, address, "form").Locked);
        }

        var fifth = signIn.Attempt("ana", "guess4", address, "form");
        var right = signIn.Attempt("ANA", "pw", IPAddress.Parse("10.0.0.2"), "form");
        time.Advance(TimeSpan.FromSeconds(299));
        var stillLocked = signIn.Attempt("ana", "pw", address, "form");
        time.Advance(TimeSpan.FromSeconds(2));
        var after = signIn.Attempt("ana", "pw", address, "form");

        Assert.Null(fifth.User);
        Assert.Null(right.User);
        Assert.Equal(TimeSpan.FromSeconds(300), right.LockedFor);
        Assert.Equal(TimeSpan.FromSeconds(1), stillLocked.LockedFor);
        Assert.Equal("ana", after.User?.Name);
    }

    [Fact]
    public void UnknownNames_AreLockedOutLikeKnownOnes()
    {
        var (signIn, _) = Make();
        for (var i = 0; i < 5; i++)
        {
            signIn.Attempt("nobody", "x", IPAddress.Parse($"10.0.1.{i}"), "form");
            signIn.Attempt("ana", "x", IPAddress.Parse($"10.0.2.{i}"), "form");
        }

        Assert.Equal(signIn.Attempt("ana", "x", IPAddress.Loopback, "form").LockedFor, signIn.Attempt("nobody", "x", IPAddress.Loopback, "form").LockedFor);
    }

    [Fact]
    public void TwentyFailuresFromOneAddress_LockTheAddressOut_ForEveryName_ButNotOtherAddresses()
    {
        var (signIn, _) = Make();
        var address = IPAddress.Parse("192.0.2.7");
        for (var i = 0; i < 20; i++)
        {
            signIn.Attempt($"name{i}", "x", address, "form");
        }

        Assert.True(signIn.Attempt("ana", "pw", address, "form").Locked);
        Assert.Equal("ana", signIn.Attempt("ana", "pw", IPAddress.Parse("192.0.2.8"), "form").User?.Name);
    }

    [Fact]
    public void FailuresSpreadBeyondTheWindow_DoNotLock_AndASuccessClearsTheName()
    {
        var (signIn, time) = Make();
        for (var i = 0; i < 12; i++)
        {
            Assert.False(signIn.Attempt("ana", "x", IPAddress.Loopback, "form").Locked);
            if (i % 4 == 3)
            {
                Assert.NotNull(signIn.Attempt("ana", "pw", IPAddress.Loopback, "form").User);
            }
        }

        for (var i = 0; i < 4; i++)
        {
            signIn.Attempt("ana", "x", IPAddress.Loopback, "form");
            time.Advance(TimeSpan.FromSeconds(301));
        }

        Assert.False(signIn.Attempt("ana", "x", IPAddress.Loopback, "form").Locked);
    }

    [Fact]
    public void AnUnknownName_CostsWhatAKnownNameWithAWrongPasswordCosts()
    {
        var users = new UserDirectory(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<UserDirectory>.Instance);
        double Median(string name)
        {
            var times = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                Assert.Null(users.Verify(name, "wrong"));
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            return times.Order().ElementAt(2);
        }

        Median("ana");
        var known = Median("ana");
        var unknown = Median("nobody");

        // Before, an unknown name skipped PBKDF2 (210,000 rounds, tens of ms) and answered in microseconds.
        Assert.True(unknown > known / 3, $"unknown name {unknown:0.00} ms, known name {known:0.00} ms");
    }

    [Fact]
    public async Task TheSignInForm_LocksOutAfterFiveFailures_WithAClearMessage_AndLogsWithoutThePassword()
    {
        await using var app = new HardenedApp();
        var client = app.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            var failed = await HardenedApp.PostLoginAsync(client, "ana", "secret-guess-" + i, Ct);
            Assert.Contains("error=1", failed.Headers.Location?.OriginalString);
        }

        var locked = await HardenedApp.PostLoginAsync(client, "ana", "pw", Ct);
        var page = await client.GetStringAsync(locked.Headers.Location, Ct);

        Assert.Contains("error=locked", locked.Headers.Location?.OriginalString);
        Assert.Contains("Too many failed sign-ins. Try again in 5 min.", page);
        var signIns = app.Log.Entries.Where(e => e.Category.EndsWith(".SignIn", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(5, signIns.Count(m => m.Contains("of ana from", StringComparison.Ordinal) && m.Contains("failed", StringComparison.Ordinal)));
        Assert.Contains(signIns, m => m.Contains("refused: locked out", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Log.Entries, e => e.Message.Contains("secret-guess", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Basic_SchemeNameIsCaseInsensitive_AndAFailedFlurryIsAnswered429_WhileRememberedCredentialsStillWork()
    {
        await using var app = new HardenedApp();
        var lower = await app.Basic(scheme: "basic").GetAsync("/api/v1/labels", Ct);
        var upper = await app.Basic(scheme: "BASIC").GetAsync("/api/v1/labels", Ct);
        var wrong = app.Basic(password: "guess");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await wrong.GetAsync("/api/v1/labels", Ct)).StatusCode);
        }

        var lockedOut = await wrong.GetAsync("/api/v1/labels", Ct);
        var remembered = await app.Basic().GetAsync("/api/v1/labels", Ct);

        Assert.Equal(HttpStatusCode.OK, lower.StatusCode);
        Assert.Equal(HttpStatusCode.OK, upper.StatusCode);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedOut.StatusCode);
        Assert.NotNull(lockedOut.Headers.RetryAfter);
        NoInternals.PrometheusError(lockedOut, await lockedOut.Content.ReadAsStringAsync(Ct), "locked out");
        Assert.Equal(HttpStatusCode.OK, remembered.StatusCode);
    }
}
