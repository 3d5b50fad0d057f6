using System.Collections.Concurrent;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Platform.SignIn;

/// <summary>
/// Sessions ended through this silo, refused at once here; other silos learn it from person_sessions within
/// <see cref="SessionValidator.CheckEvery"/> (as revoked keys do). An entry only needs to outlive the cached check.
/// </summary>
public sealed class EndedSessions(PlatformClock clock)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _until = new();

    public void Add(Guid sessionId)
    {
        var now = clock.GetUtcNow();
        foreach (var (id, until) in _until) if (until < now) _until.TryRemove(id, out _);
        _until[sessionId] = now + SessionValidator.CheckEvery;
    }

    public bool Contains(Guid sessionId) => _until.TryGetValue(sessionId, out var until) && until >= clock.GetUtcNow();
}
