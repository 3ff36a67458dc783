using Npgsql;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// Recognises a transaction PostgreSQL ended because it met another one (a deadlock, or a
/// serialisation failure): nothing of it was kept, and running it again may well succeed.
/// </summary>
internal static class TransientConflict
{
    public static bool Is(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure })
            {
                return true;
            }
        }

        return false;
    }
}
