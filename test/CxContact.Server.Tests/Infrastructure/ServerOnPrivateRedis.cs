using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// A base for test classes that stop, empty or stall Redis under a running server: each test gets a server of its own
/// on a Redis of its own (the run's shared Redis must never be touched that way).
/// </summary>
public abstract class ServerOnPrivateRedis : IAsyncLifetime
{
    protected PrivateRedis Redis { get; } = PrivateRedis.Start();
    protected ApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api = new ApiFactory().With("CXC_REDIS", Redis.ConfigurationString);
        await Api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Redis.Dispose();
    }
}
