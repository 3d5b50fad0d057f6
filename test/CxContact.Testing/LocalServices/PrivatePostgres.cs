namespace CxContact.Testing.LocalServices;

/// <summary>
/// A PostgreSQL server of one test's own, on a free port in a directory of its own, for tests that stop and start it
/// under a running server (the shared <see cref="LocalPostgres"/> must never be touched that way). A stop and a start
/// keep the data directory, as a restart of a real server does.
/// </summary>
public sealed class PrivatePostgres : IDisposable
{
    private readonly string _root = LocalProcess.TempDir("cxc-pg-private-");

    private PrivatePostgres()
    {
        LocalPostgres.InitDb(_root);
        LocalPostgres.StopWhenThisProcessEnds(_root);
    }

    public int Port { get; } = LocalProcess.FreePort();

    /// <summary>A superuser connection string to the "postgres" database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    public static PrivatePostgres Start()
    {
        var pg = new PrivatePostgres();
        pg.StartAgain();
        return pg;
    }

    public Task<string> CreateDatabaseAsync(string prefix) => LocalPostgres.CreateDatabaseAsync(AdminConnectionString, prefix);

    /// <summary>Starts the server on the same port and data directory, and waits until it takes connections.</summary>
    public void StartAgain() => LocalPostgres.StartServer(_root, Port);

    /// <summary>Stops the server: a clean shutdown that ends every session ("fast"), or a crash ("immediate").</summary>
    public void Stop(bool crash = false) => LocalPostgres.StopServer(_root, crash ? "immediate" : "fast");

    public void Dispose()
    {
        try { Stop(crash: true); } catch (InvalidOperationException) { /* already stopped */ }
        try { Directory.Delete(_root, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the exit watcher removes it */ }
    }
}
