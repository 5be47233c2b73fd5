using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Dashboard.Auth;

namespace X0tta6bl4.Ops.Dashboard.Tests;

public class UserDirectoryTests
{
    private sealed class CapturingLogger : ILogger<UserDirectory>
    {
        public List<string> Messages { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }

    [Fact]
    public void NoUsersConfigured_MakesAOneRunAdminWhosePasswordIsLogged()
    {
        var logger = new CapturingLogger();
        var users = new UserDirectory(Options.Create(new AuthOptions()), logger);

        var message = logger.Messages.Single();
        var password = message.Split("password ")[1].Split('.')[0];

        Assert.Equal(Roles.Operator, users.Verify("admin", password)!.Role);
        Assert.Null(users.Verify("admin", password + "x"));
    }

    [Fact]
    public void ConfiguredUsers_AreTheOnlyOnes_AndNamesIgnoreCase()
    {
        var options = new AuthOptions { Users = [new UserOptions { Name = "Ana", PasswordHash = PasswordHasher.Hash("pw"), Role = Roles.Viewer }] };
        var logger = new CapturingLogger();
        var users = new UserDirectory(Options.Create(options), logger);

        Assert.Equal("Ana", users.Verify("ana", "pw")!.Name);
        Assert.Equal("Ana", users.VerifyRemembered("ana", "pw")!.Name);
        Assert.Null(users.VerifyRemembered("ana", "wrong"));
        Assert.Null(users.Verify("admin", "pw"));
        Assert.Empty(logger.Messages);
    }

    [Fact]
    public void Validator_RefusesPlainPasswordsUnknownRolesAndDuplicates()
    {
        var options = new AuthOptions
        {
            Users = [new UserOptions { Name = "a", PasswordHash = "hunter2", Role = "admin" }, new UserOptions { Name = "A", PasswordHash = PasswordHasher.Hash("x") }],
        };

        var failures = new AuthOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("PasswordHash is not a hash"));
        Assert.Contains(failures, f => f.Contains("Role must be 'viewer' or 'operator'"));
        Assert.Contains(failures, f => f.Contains("used twice"));
    }
}
