import { Box, Text } from "ink";

/** The typed text with the caret as an inverse block, the placeholder while empty, and the live error below. */
export function TextField({ buffer, caret, placeholder, error, optional }: { buffer: string; caret?: number; placeholder?: string; error?: string; optional?: boolean }) {
  const hint = placeholder ?? (optional ? "(optional: Enter to skip)" : "");
  const at = Math.max(0, Math.min(caret ?? buffer.length, buffer.length));
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">{"❯ "}</Text>
        {buffer === "" ? (
          <>
            <Text dimColor>{hint}</Text>
            <Text inverse> </Text>
          </>
        ) : (
          <>
            <Text>{buffer.slice(0, at)}</Text>
            <Text inverse>{buffer[at] ?? " "}</Text>
            <Text>{buffer.slice(at + 1)}</Text>
          </>
        )}
      </Text>
      {error ? <Text color="red">{`✗ ${error}`}</Text> : null}
    </Box>
  );
}
