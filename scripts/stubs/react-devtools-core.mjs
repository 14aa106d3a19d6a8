export default {}; export const connectToDevTools = () => {};
