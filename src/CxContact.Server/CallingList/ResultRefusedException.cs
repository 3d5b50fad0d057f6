namespace CxContact.Server.CallingList;

/// <summary>A result that cannot be applied (unknown or expired lease, record not in the lease, a conflicting earlier result).</summary>
public sealed class ResultRefusedException(string message) : Exception(message);
