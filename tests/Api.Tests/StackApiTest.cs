namespace X0tta6bl4.Ops.Api.Tests;

/// <summary>Tests of the Api on the stack's PostgreSQL and Redis, in a database of their own, ready before each test.</summary>
public abstract class StackApiTest : IAsyncLifetime
{
    private ApiFactory _factory = null!;

    protected HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _factory = await ApiFactory.OnStackAsync();
        Client = await _factory.ReadyClientAsync();
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}
