using System.Security.Claims;
using CxContact.Server.Platform.Audit;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Npgsql;

namespace CxContact.Server.Platform.SignIn;

/// <summary>
/// Turns the identity provider's answer into a session in one tenant, or a refusal. The person's groups are matched
/// against every tenant's mapping: none refuses; one signs in there; several let the person choose
/// (/auth/login?tenant=id or name). Within a tenant the highest mapped role wins. Every sign-in and refusal is audited:
/// in the tenant signed in to, and refusals (no tenant to write them to) in the system tenant.
/// </summary>
public sealed class PersonSignIn(GroupRoleStore store, NpgsqlDataSource db, PlatformSettings settings, PlatformClock clock, ILogger<PersonSignIn> log)
{
    public async Task OnTicketReceivedAsync(TicketReceivedContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        var oidc = settings.Oidc!;
        var person = context.Principal!;
        var subjectClaim = person.FindFirst(CxClaims.Subject);
        var subject = subjectClaim?.Value;
        var issuer = subjectClaim?.Issuer is { Length: > 0 } iss && iss != ClaimsIdentity.DefaultIssuer ? iss : oidc.Authority.ToString();
        var name = person.FindFirstValue("name") ?? person.FindFirstValue("preferred_username");
        var email = person.FindFirstValue(CxClaims.Email);
        var groups = person.FindAll(oidc.GroupsClaim).Select(c => c.Value).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var requested = context.Properties?.Items.TryGetValue(SignInSchemes.TenantItem, out var t) == true ? t : null;
        var returnUrl = ReturnUrls.Local(context.Properties?.Items.TryGetValue(SignInSchemes.ReturnItem, out var r) == true ? r : null);
        var who = new { subject, name, email, issuer, groups };

        async Task RefuseAsync(int status, string reason, string title, string detail)
        {
            context.HandleResponse();
            await AuditTrail.RecordAsync(db, Tenant.SystemId, null, "sign-in.refused", subject, new { who.subject, who.name, who.email, who.issuer, who.groups, reason, requestedTenant = requested }, CancellationToken.None);
            log.LogWarning("Sign-in refused for {Subject} ({Reason})", subject, reason);
            await SignInPages.RefusedAsync(http, status, title, detail);
        }

        if (string.IsNullOrEmpty(subject))
        {
            await RefuseAsync(403, "no-subject", "Sign-in refused", "The identity provider did not say who you are (no subject claim).");
            return;
        }
        var matches = await store.MatchAsync(groups, ct);
        var active = matches.Where(m => m.Status == "active").ToList();
        if (active.Count == 0)
        {
            await RefuseAsync(403, matches.Count == 0 ? "no-matching-group" : "tenant-suspended", "Sign-in refused", matches.Count == 0
                ? $"None of your groups ({(groups.Count == 0 ? $"your sign-in carried no \"{oidc.GroupsClaim}\" claim" : string.Join(", ", groups))}) is given a role in any tenant. Ask your tenant's admin to map one of them."
                : "The tenants your groups give you a role in are suspended.");
            return;
        }

        TenantMatch chosen;
        if (requested is not null)
        {
            // By id or by name (the system tenant's name is "system").
            var pick = active.FirstOrDefault(m => m.TenantId.ToString() == requested.ToLowerInvariant() || string.Equals(m.TenantName, requested, StringComparison.OrdinalIgnoreCase));
            if (pick is null)
            {
                await RefuseAsync(403, "tenant-not-allowed", "Sign-in refused", $"Your groups give you no role in the tenant \"{requested}\".");
                return;
            }
            chosen = pick;
        }
        else if (active.Count == 1) chosen = active[0];
        else
        {
            context.HandleResponse();
            await SignInPages.ChooseAsync(http, active.Select(m => new SignInPages.TenantChoice(m.TenantId, m.TenantName, m.Role,
                $"/auth/login?tenant={m.TenantId}&returnUrl={Uri.EscapeDataString(returnUrl)}")).ToList());
            return;
        }

        var personId = await store.SignedInAsync(chosen.TenantId, issuer, subject, name, email, ct);
        var sessionId = Guid.CreateVersion7();
        await store.StartSessionAsync(chosen.TenantId, sessionId, personId, ct);
        context.Principal = Principal(chosen, personId, sessionId, issuer, subject, name, email, groups, clock.GetUtcNow());
        context.ReturnUri = "/auth/signed-in?returnUrl=" + Uri.EscapeDataString(returnUrl);
        await AuditTrail.RecordAsync(db, chosen.TenantId, personId, "sign-in", subject,
            new { who.subject, who.name, who.email, who.issuer, who.groups, role = chosen.Role, session = sessionId }, CancellationToken.None);
        log.LogInformation("{Subject} signed in to tenant {Tenant} as {Role}", subject, chosen.TenantId, chosen.Role);
    }

    /// <summary>A failure on the way back from the identity provider (an error it sent, a replayed or stale answer): audited and explained.</summary>
    public async Task OnRemoteFailureAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var why = context.Failure?.Message ?? "unknown";
        await AuditTrail.RecordAsync(db, Tenant.SystemId, null, "sign-in.failed", null, new { reason = why }, CancellationToken.None);
        log.LogWarning("Sign-in failed: {Reason}", why);
        await SignInPages.RefusedAsync(context.HttpContext, 400, "Sign-in failed",
            "The answer from the identity provider could not be used (it may have expired, or been used already). Start again from the sign-in page.");
    }

    public static ClaimsPrincipal Principal(TenantMatch tenant, Guid personId, Guid sessionId, string issuer, string subject, string? name, string? email,
        IEnumerable<string> groups, DateTimeOffset signedInAt)
    {
        var claims = new List<Claim>
        {
            new(CxClaims.TenantId, tenant.TenantId.ToString()),
            new(CxClaims.TenantName, tenant.TenantName),
            new(CxClaims.KeyId, personId.ToString()),
            new(CxClaims.KeyName, email ?? name ?? subject),
            new(ClaimTypes.Role, tenant.Role),
            new(CxClaims.Subject, subject),
            new(CxClaims.Issuer, issuer),
            new(CxClaims.SessionId, sessionId.ToString()),
            new(CxClaims.SignedInAt, signedInAt.ToUnixTimeSeconds().ToString()),
        };
        if (name is not null) claims.Add(new Claim("name", name));
        if (email is not null) claims.Add(new Claim(CxClaims.Email, email));
        claims.AddRange(groups.Select(g => new Claim(CxClaims.Group, g)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SignInSchemes.Session, CxClaims.KeyName, ClaimTypes.Role));
    }

    /// <summary>The same session with another role (the tenant's mapping changed while it lasted).</summary>
    public static ClaimsPrincipal WithRole(ClaimsPrincipal principal, string role)
    {
        var claims = principal.Claims.Where(c => c.Type != ClaimTypes.Role).Append(new Claim(ClaimTypes.Role, role));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SignInSchemes.Session, CxClaims.KeyName, ClaimTypes.Role));
    }
}
