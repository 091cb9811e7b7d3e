// First: the CSP forbids zod's `new Function`; the flag must be set before any schema is built.
import './lib/state/zod-jitless'
import { mount } from 'svelte'
import App from './App.svelte'
import { createStudioClient, pickTransport } from './lib/api/client'
import './app.css'

const target = document.getElementById('app')
if (target === null) throw new Error('index.html has no #app element')

const client = createStudioClient(pickTransport())

export default mount(App, { target, props: { client } })
