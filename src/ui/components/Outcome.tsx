import { Box, Text } from "ink";

export type Outcome =
  | { kind: "writing" }
  | { kind: "written"; report?: string; files: string[]; nextSteps: string[] }
  | { kind: "failed"; message: string }
  | { kind: "cancelled" };

/** What happens after the summary: writing, the files written with next steps, an error, or a cancel. */
export function OutcomeView({ outcome }: { outcome: Outcome }) {
  switch (outcome.kind) {
    case "writing":
      return <Text>Writing...</Text>;
    case "cancelled":
      return <Text>Cancelled. Nothing was written.</Text>;
    case "failed":
      return <Text color="red">{`✗ ${outcome.message}`}</Text>;
    case "written":
      return (
        <Box flexDirection="column">
          {outcome.report ? (
            <Box marginBottom={1}>
              <Text>{outcome.report}</Text>
            </Box>
          ) : null}
          {outcome.files.length > 0 ? (
            <>
              <Text color="green">{`✔ Wrote ${outcome.files.length} file${outcome.files.length === 1 ? "" : "s"}:`}</Text>
              {outcome.files.map((file) => (
                <Text key={file}>{`  ${file}`}</Text>
              ))}
            </>
          ) : (
            <Text color="green">✔ Done.</Text>
          )}
          {outcome.nextSteps.length > 0 ? (
            <Box flexDirection="column" marginTop={1}>
              <Text bold>Next steps:</Text>
              {outcome.nextSteps.map((step, index) => (
                <Text key={index}>{`  ${index + 1}. ${step}`}</Text>
              ))}
            </Box>
          ) : null}
        </Box>
      );
  }
}
