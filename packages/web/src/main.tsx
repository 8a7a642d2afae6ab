import { createRoot } from 'react-dom/client';
import '@mantine/core/styles.css';
import './app.css';
import { App } from './App';

createRoot(document.getElementById('root')!).render(<App />);
