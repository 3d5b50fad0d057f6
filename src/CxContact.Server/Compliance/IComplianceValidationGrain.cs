using CxContact.Core.Compliance;

namespace CxContact.Server.Compliance;

/// <summary>
/// The pre-dial decision as a grain on the compliance role. It lives here, not in Core with the other grain
/// interfaces, because its contract is <see cref="PreparedAttempt"/>, the edge's output, which is a Server type.
/// </summary>
public interface IComplianceValidationGrain : IGrainWithIntegerKey
{
    /// <summary>Decides each attempt, answering in input order.</summary>
    Task<Decision[]> DecideBatchAsync(Guid tenantId, [Immutable] PreparedAttempt[] attempts, CancellationToken ct);
}
