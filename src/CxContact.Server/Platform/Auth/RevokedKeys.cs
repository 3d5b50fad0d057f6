using CxContact.Server.Platform.Hosting;
using System.Collections.Concurrent;

namespace CxContact.Server.Platform.Auth;

/// <summary>
/// Keys revoked through this silo. The key cache is keyed by the secret's hash, which a revocation does not know,
/// so the handler checks this set instead; an entry only needs to outlive the cache entry it shadows.
/// </summary>
public sealed class RevokedKeys(PlatformClock clock)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _until = new();

    public void Add(Guid keyId)
    {
        var now = clock.GetUtcNow();
        foreach (var (id, until) in _until) if (until < now) _until.TryRemove(id, out _);
        _until[keyId] = now + ApiKeyAuthenticationHandler.CacheFor;
    }

    public bool Contains(Guid keyId) => _until.TryGetValue(keyId, out var until) && until >= clock.GetUtcNow();
}
